import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBacKan } from '@ntm/domain';
import { demoUsers } from './demoUsers.js';
import { startBanner, TOKEN_COMMAND } from './startBanner.js';

const rootScripts = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('startBanner', () => {
  it('names the API, its docs and the store', () => {
    const banner = startBanner('http://localhost:3000', 'embedded', false, '2024-06-01');
    expect(banner.split('\n')[0]).toBe(
      'NTM dossier engine listening on http://localhost:3000 — API docs at http://localhost:3000/docs',
    );
    expect(banner).toContain('Store: embedded');
    expect(banner).not.toContain('token');
  });

  it('with local keys, gives the token command as `pnpm run token --`, never the reserved `pnpm token`', () => {
    const banner = startBanner('http://localhost:3000', 'embedded', true, '2024-06-01');
    expect(banner).toContain(`get a token with: ${TOKEN_COMMAND}`);
    expect(TOKEN_COMMAND).toBe('pnpm run token -- --role <role> --unit <code>');
    expect(banner).not.toMatch(/pnpm (-s )?token\b/);
    expect(banner).toContain('$(pnpm -s run token -- --role auditor --unit 06)');
    expect(rootScripts['token']).toContain('services/dossier-api/dist/cli/token.js');
  });

  it('places the demo users in units that exist on the service date', () => {
    const before = demoUsers('2024-06-01');
    expect(before.find((u) => u.role === 'commune_official')?.unit).toBe('01975');
    expect(before.find((u) => u.role === 'district_verifier')?.unit).toBe('063');
    expect(before.find((u) => u.role === 'provincial_chairman')?.unit).toBe('06');

    // After the 2025 reform Vi Hương is merged away and districts are gone: a banner for today must not send a
    // new user to a dissolved unit, where opening a dossier is refused as UNIT_NOT_ELIGIBLE.
    const after = demoUsers('2026-11-29');
    const commune = after.find((u) => u.role === 'commune_official')!.unit;
    const units = loadBacKan();
    expect(commune).not.toBe('01975');
    expect(units.eligibility(commune, 'COMMUNE_NTM', '2026-11-29')).toEqual({ eligible: true });
    expect(after.some((u) => u.role.startsWith('district_'))).toBe(false);
    expect(after.find((u) => u.role === 'provincial_chairman')?.unit).toBe('19');
    expect(startBanner('http://localhost:3000', 'embedded', true, '2026-11-29')).toContain('--unit 19)');
  });

  it('keeps the docs in step with the banner', () => {
    const docs = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    expect(docs).toContain(TOKEN_COMMAND);
    expect(docs).not.toMatch(/`pnpm (-s )?token /);
  });
});
