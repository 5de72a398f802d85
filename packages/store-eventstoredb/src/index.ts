export { EventStoreDbEventStore, openEventStoreDb } from './EventStoreDbEventStore.js';
export type { EventStoreDbOptions } from './EventStoreDbEventStore.js';
