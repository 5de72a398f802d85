import { describe, expect, it } from 'vitest';
import { canonicalJson, chainEvents, GENESIS_HASH, hashEvent } from '@ntm/event-store';
import { sampleDossierEvents } from '@ntm/testing';
import { eventLine, hashOfCanonicalLine, type EventLine } from './format.js';

const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
const lines = chainEvents(
  'dossier-d1',
  0n,
  GENESIS_HASH,
  sampleDossierEvents({ id: 'd1', communeCode: '01849', districtCode: '061', year: 2024 }, at),
).map((e, i) => canonicalJson(eventLine({ ...e, position: BigInt(i + 1), recordedAt: at(i) })));

describe("an event's hash from its canonical line", () => {
  it('is the hash of the parsed event, for every event of a history', () => {
    for (const line of lines) {
      const e = JSON.parse(line) as EventLine;
      expect(hashOfCanonicalLine(line, e)).toBe(hashEvent({ ...e, revision: BigInt(e.revision) }));
      expect(hashOfCanonicalLine(line, e)).toBe(e.hash);
    }
  });

  it('differs from the recorded hash once the content is edited, and is not taken from a line laid out otherwise', () => {
    const line = lines[3]!;
    const edited = line.replace('"preparing"', '"draft"');
    expect(hashOfCanonicalLine(edited, JSON.parse(edited) as EventLine)).not.toBe(
      (JSON.parse(line) as EventLine).hash,
    );
    const spaced = JSON.stringify(JSON.parse(line), null, 1).replaceAll('\n', '');
    expect(hashOfCanonicalLine(spaced, JSON.parse(spaced) as EventLine)).toBeUndefined();
  });
});
