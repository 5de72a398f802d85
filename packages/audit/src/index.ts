export * from './keys.js';
export * from './format.js';
export { signDetached, verifyDetached, type SignatureCheck } from './jws.js';
export { packTar, unpackTar, TarError } from './tar.js';
export { exportBundle, BundleExportError, type ExportOptions } from './exportBundle.js';
export {
  verifyBundle,
  type BundleReport,
  type CheckName,
  type Failure,
  type StoryStep,
  type VerifyOptions,
} from './verifyBundle.js';
export { formatReport } from './formatReport.js';
export {
  exportUnitBundle,
  formatUnitReport,
  isUnitBundle,
  selectUnitDossiers,
  UNIT_BUNDLE_FORMAT,
  UNIT_SELECTION,
  verifyUnitBundle,
  type UnitBundleReport,
  type UnitExportOptions,
  type UnitManifest,
} from './unitBundle.js';
export { EMPTY_ROOT, leafHash, MerkleFrontier, type LeafInput, type Peak } from './merkle.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_TYP,
  CheckpointStore,
  checkpointDigest,
  makeCheckpoint,
  type CheckpointBody,
  type MakeCheckpointOptions,
  type SignedCheckpoint,
} from './checkpoints.js';
export {
  verifyLog,
  type LogCheck,
  type LogFailure,
  type LogReport,
  type VerifyLogOptions,
} from './verifyLog.js';
export { AutoCheckpointer, type AutoCheckpointerOptions, type TickResult } from './autoCheckpointer.js';
export { AuditLogWatcher, type LogWatcherOptions, type WatcherStatus } from './logWatcher.js';
export { checkStreamChain, replayEvents } from './replayStream.js';
export {
  checkStream,
  replayCheck,
  streamsInLogOrder,
  type ReplayCheckOptions,
  type ReplayProgress,
} from './replayCheck.js';
export {
  checkPublishedVersions,
  currentVersions,
  PUBLISHED_VERSIONS_FILE,
  readPublishedVersions,
  withNewVersions,
  writePublishedVersions,
  type PublishedVersions,
  type VersionFailure,
} from './publishedVersions.js';
export {
  commandOf,
  mergeRuleSet,
  whatIf,
  whatIfCsv,
  type RuleSetOverlay,
  type WhatIfResult,
} from './whatIf.js';
export { blobReader } from './readBlob.js';
