import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBanner, TOKEN_COMMAND } from './startBanner.js';

const rootScripts = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('startBanner', () => {
  it('names the API, its docs and the store', () => {
    const banner = startBanner('http://localhost:3000', 'embedded', false);
    expect(banner.split('\n')[0]).toBe(
      'NTM dossier engine listening on http://localhost:3000 — API docs at http://localhost:3000/docs',
    );
    expect(banner).toContain('Store: embedded');
    expect(banner).not.toContain('token');
  });

  it('with local keys, gives the token command as `pnpm run token --`, never the reserved `pnpm token`', () => {
    const banner = startBanner('http://localhost:3000', 'embedded', true);
    expect(banner).toContain(`get a token with: ${TOKEN_COMMAND}`);
    expect(TOKEN_COMMAND).toBe('pnpm run token -- --role <role> --unit <code>');
    expect(banner).not.toMatch(/pnpm (-s )?token\b/);
    expect(banner).toContain('$(pnpm -s run token -- --role auditor --unit 06)');
    expect(rootScripts['token']).toContain('services/dossier-api/dist/cli/token.js');
  });

  it('keeps the docs in step with the banner', () => {
    const docs = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    expect(docs).toContain(TOKEN_COMMAND);
    expect(docs).not.toMatch(/`pnpm (-s )?token /);
  });
});
