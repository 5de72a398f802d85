export { SqlError, isConnectionLoss, isUniqueViolation, quoteIdent, sqlState } from './SqlClient.js';
export type { QueryOptions, SqlClient, SqlErrorCode } from './SqlClient.js';
export { lockSchema, migrate } from './migrate.js';
export type { Migration } from './migrate.js';
export { openLease } from './lease.js';
export type { Lease } from './lease.js';
export { lead } from './leadership.js';
export type { Leadership, LeadershipOptions } from './leadership.js';
