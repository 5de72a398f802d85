export * from './errors.js';
export * from './policy.js';
export * from './verifier.js';
export * from './localKeys.js';
