export * from './primitives.js';
export * from './commands.js';
export * from './events.js';
export * from './problem.js';
export * from './imports.js';
export { compileFastCheck, fastCheckOf, quickSafeParse, type FastCheck } from './fastCheck.js';
