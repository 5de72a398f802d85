export * from './templates.js';
export * from './directory.js';
export * from './mailer.js';
export * from './delivery.js';
export * from './queue.js';
export * from './reminders.js';
