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
