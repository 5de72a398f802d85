export * from './fixtures.js';
export * from './spec.js';
export * from './journeys.js';
export * from './faults.js';
export * from './spawnTypeScript.js';
export * from './sendCommand.js';
export * from './sampleHistory.js';
export * from './recordedEvents.js';
