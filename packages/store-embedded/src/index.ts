export { createPgliteSqlClient } from './createPgliteSqlClient.js';
export { openEmbeddedStore } from './openEmbeddedStore.js';
export type { EmbeddedStore, EmbeddedStoreOptions } from './openEmbeddedStore.js';
export {
  adoptTemplate,
  beginSeeding,
  buildTemplate,
  seedDataDir,
  templateUsable,
  DEFAULT_TEMPLATE_DIR,
} from './dataDirTemplate.js';
export { BASELINE_WASM_FLAGS, keepWasmOnBaselineTier } from './wasmTiering.js';
