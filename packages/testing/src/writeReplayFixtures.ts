/**
 * Records a history per workflow version into packages/domain/src/fixtures/, with the state it replays to.
 * Recorded histories are the past: this never overwrites one. A changed machine that no longer replays them needs a
 * new version, not a new recording. Run after `pnpm build`: `node packages/testing/dist/writeReplayFixtures.js`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { DecidedEvent } from '@ntm/domain';
import { allJourneys, run } from './journeys.js';

const dir = fileURLToPath(new URL('../../domain/src/fixtures/', import.meta.url));
mkdirSync(dir, { recursive: true });

/** Older shapes and the store's envelope appear in real logs: the fixtures keep some of each. */
function asRecorded(name: string, events: DecidedEvent[]): unknown[] {
  if (name === 'commune-ntm-v1') {
    return events.map((e) => {
      if (e.type !== 'DocumentAttached') return e;
      const { copy, dossierVersion: _v, ...rest } = e.data;
      return { ...e, schemaVersion: 1, data: { ...rest, isOriginal: copy === 'original' } };
    });
  }
  if (name === 'village-ntm-v1') {
    return events.map(({ fromState, toState, ...e }) => ({ ...e, metadata: { fromState, toState } }));
  }
  return events;
}

for (const journey of allJourneys()) {
  const { events, state } = run(journey.steps);
  const first = events[0]!.data as { workflow: { id: string; version: number } };
  const name = `${first.workflow.id}-v${first.workflow.version}`;
  const file = join(dir, `${name}.json`);
  if (existsSync(file)) {
    console.log(`kept ${name}.json`);
    continue;
  }
  writeFileSync(
    file,
    `${JSON.stringify({ workflow: first.workflow, journey: journey.name, events: asRecorded(name, events), expectedState: state }, null, 2)}\n`,
  );
  console.log(`recorded ${name}.json`);
}
