export * from './fixtures.js';
export * from './spec.js';
export * from './journeys.js';
export * from './faults.js';
export * from './recordedEvents.js';
