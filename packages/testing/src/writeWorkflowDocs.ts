/** Writes docs/workflows/<kind>-v<version>.md from the machines (`pnpm docs:workflows`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_DOCS_DIR, workflowDocs } from './workflowDocs.js';

mkdirSync(WORKFLOW_DOCS_DIR, { recursive: true });
for (const { name, content } of workflowDocs()) {
  writeFileSync(join(WORKFLOW_DOCS_DIR, name), content);
  console.log(`wrote docs/workflows/${name}`);
}
