export * from './EventStore.js';
export * from './errors.js';
