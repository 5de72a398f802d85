/**
 * Recorded histories must replay to their committed states under their pinned workflow versions: changing a
 * machine must not silently change the past. A new behaviour needs a new version (and a new recording).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay, ReplayError, type FoldableEvent } from './evolve.js';
import { WORKFLOWS } from './workflows/registry.js';

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    ...(JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as {
      workflow: { id: string; version: number };
      events: FoldableEvent[];
      expectedState: unknown;
    }),
  }));

describe('recorded histories', () => {
  it('cover every workflow version', () => {
    expect(fixtures.map((f) => `${f.workflow.id}-v${f.workflow.version}`).sort()).toEqual(
      WORKFLOWS.map((w) => `${w.id}-v${w.version}`).sort(),
    );
  });
  for (const f of fixtures) {
    it(`${f.file} replays to its committed state`, () => {
      expect(replay(f.events)).toEqual(f.expectedState);
    });
  }
  it('upcasts events stored under an older schema version', () => {
    const f = fixtures.find((x) => x.file === 'commune-ntm-v1.json')!;
    expect(f.events.some((e) => e.type === 'DocumentAttached' && e.schemaVersion === 1)).toBe(true);
    expect(replay(f.events).documents.every((d) => d.copy === 'original')).toBe(true);
  });
  it('refuses a history its pinned version could not have produced', () => {
    const f = fixtures.find((x) => x.file === 'commune-ntm-v2.json')!;
    const forged = f.events.map((e) =>
      e.type === 'VerificationRecorded' ? { ...e, toState: 'forwarded' } : e,
    );
    expect(() => replay(forged)).toThrow(ReplayError);
    const repinned = f.events.map((e, i) =>
      i === 0 ? { ...e, data: { ...(e.data as object), workflow: { id: 'commune-ntm', version: 1 } } } : e,
    );
    expect(() => replay(repinned)).toThrow(
      /commune-ntm v1 has no RecordAppraisal from verified to appraised/,
    );
    expect(() => replay(f.events.slice(1))).toThrow(ReplayError);
  });
});
