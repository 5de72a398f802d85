// Loaded with `node --import` by lightStart.e2e.test.ts: records the URL of every module the process loads into
// the file named by NTM_RECORD_MODULES, one per line, so the test can say which packages a start-up loaded.
import { register } from 'node:module';

register(new URL('./recordModulesHooks.mjs', import.meta.url), {
  data: { file: process.env.NTM_RECORD_MODULES },
});
