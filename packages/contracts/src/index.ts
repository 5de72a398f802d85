export * from './primitives.js';
export * from './commands.js';
export * from './events.js';
export * from './problem.js';
export * from './imports.js';
export { compileFastCheck, type FastCheck } from './fastCheck.js';
