export * from './timers.js';
export * from './deadlineTimers.js';
export * from './deadlineScheduler.js';
// BullMQ timers are at '@ntm/scheduler/bullmqTimers': the embedded default never loads BullMQ (ADR 0029).
export * from './inProcessTimers.js';
export * from './batchedReads.js';
