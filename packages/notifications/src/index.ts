export * from './templates.js';
export * from './directory.js';
export * from './mailer.js';
export * from './delivery.js';
// The BullMQ delivery queue is at '@ntm/notifications/queue': the embedded default never loads BullMQ (ADR 0029).
export * from './reminders.js';
