export { createPgSqlClient } from './createPgSqlClient.js';
export type { PgSqlClientOptions } from './createPgSqlClient.js';
export { PostgresEventStore } from './PostgresEventStore.js';
export type { PostgresEventStoreOptions } from './PostgresEventStore.js';
export { openPostgresStore } from './openPostgresStore.js';
export type { OpenPostgresStoreOptions, OpenedPostgresStore } from './openPostgresStore.js';
export { eventStoreMigrations } from './schema.js';
export { globalLogBlockers } from './globalLogBlockers.js';
export type { GlobalLogBlocker } from './globalLogBlockers.js';
