export * from './timers.js';
export * from './deadlineTimers.js';
export * from './deadlineScheduler.js';
export * from './bullmqTimers.js';
export * from './inProcessTimers.js';
export * from './batchedReads.js';
