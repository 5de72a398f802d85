export * from './EventStore.js';
export * from './errors.js';
export { canonicalJson } from './canonicalJson.js';
export { GENESIS_HASH, chainEvents, hashEvent, verifyChain } from './hashChain.js';
export type { ChainedEvent, ChainVerification } from './hashChain.js';
export {
  MAX_BATCH_SIZE,
  MAX_STREAM_ID_LENGTH,
  validateExpectedRevision,
  validateNewEvents,
  validatePositiveInt,
  validateRevision,
  validateStreamId,
  validateStreamReads,
} from './validation.js';
export type { CanonicalParts } from './validation.js';
export {
  counterStreamId,
  dossierStreamId,
  isCounterStream,
  isEngineStream,
  isRecognitionImportStream,
  recognitionImportStreamId,
} from './streams.js';
