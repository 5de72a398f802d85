/**
 * Writes docs/workflows/<kind>-v<version>.md from the machines, and the table of confirmed law and defaults in
 * docs/domain.md from the rule data (`pnpm docs:workflows`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_DOCS_DIR, workflowDocs } from './workflowDocs.js';
import { DOMAIN_DOC, withLawTable } from './lawTableDoc.js';

mkdirSync(WORKFLOW_DOCS_DIR, { recursive: true });
for (const { name, content } of workflowDocs()) {
  writeFileSync(join(WORKFLOW_DOCS_DIR, name), content);
  console.log(`wrote docs/workflows/${name}`);
}
writeFileSync(DOMAIN_DOC, withLawTable(readFileSync(DOMAIN_DOC, 'utf8')));
console.log('wrote the law table in docs/domain.md');
