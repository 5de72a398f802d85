import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_DOCS_DIR, workflowDocs } from './workflowDocs.js';

describe('committed workflow docs', () => {
  const docs = workflowDocs();
  it('are exactly the generated set of files', () => {
    expect(readdirSync(WORKFLOW_DOCS_DIR).sort()).toEqual(docs.map((d) => d.name).sort());
  });
  for (const { name, content } of docs) {
    it(`${name} matches the machines (run \`pnpm docs:workflows\` after changing a workflow)`, () => {
      expect(readFileSync(join(WORKFLOW_DOCS_DIR, name), 'utf8')).toBe(content);
    });
  }
  it('show the roles and guards of a transition', () => {
    const v1 = docs.find((d) => d.name === 'commune-ntm-v1.md')!.content;
    expect(v1).toContain(
      '| noticeOpen | ClosePublicNotice | noticeClosed | `commune_official` | `noticePeriodOver`, `commentsAnswered` | — |',
    );
    expect(v1).toContain('stateDiagram-v2');
  });
});
