import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sampleDossierEvents, sampleRecorded, typeScriptWorker } from '@ntm/testing';
import {
  evolveViewInPlace,
  insertText,
  PROJECTIONS,
  rowParams,
  rowParamsOfJson,
  type DossierView,
} from './index.js';
import { startInsertThread } from './insertThread.js';

const at = (i: number) => new Date(Date.UTC(2025, 6, 1) + i * 86_400_000).toISOString();

const histories = [
  { id: 'a', communeCode: '01864', districtCode: '064', year: 2025 },
  { id: 'b', communeCode: '01867', districtCode: '064', year: 2025, criteriaMet: 15, outcome: 'refused' },
  { id: 'c', communeCode: '01870', districtCode: '064', year: 2025, kind: 'COMMUNE_ADVANCED' },
] as const;

/** Each history folded to every length: open deadlines, criteria half recorded, decided, refused. */
function views(): DossierView[] {
  const all: DossierView[] = [];
  for (const d of histories) {
    const events = sampleRecorded(`dossier-${d.id}`, sampleDossierEvents(d, at));
    for (let n = 1; n <= events.length; n++) {
      let view: DossierView | undefined;
      for (const event of events.slice(0, n)) view = evolveViewInPlace(view, event);
      all.push(view!);
    }
  }
  return all;
}

describe("a rebuild's insert thread (ADR 0051)", () => {
  it('builds from the views’ JSON the rows the views themselves give (what the worker thread relies on)', () => {
    const folded = views();
    expect(rowParamsOfJson(JSON.stringify(folded))).toEqual(rowParams(folded));
    // Not vacuous: every read model but the complaints' (none in these histories) gets rows from these views.
    const counts = rowParams(folded).map((rows) => (JSON.parse(rows) as unknown[]).length);
    expect(Object.fromEntries(PROJECTIONS.map((p, i) => [p.name, counts[i]! > 0]))).toEqual({
      ...Object.fromEntries(PROJECTIONS.map((p) => [p.name, true])),
      complaints: false,
    });
  });

  it.each([
    [
      'on a worker thread',
      () => startInsertThread(typeScriptWorker(fileURLToPath(new URL('./insertWorker.ts', import.meta.url)))),
    ],
    ['on this thread (the sources, without a worker)', () => startInsertThread()],
  ])('builds insertStreams’ statement from the views as they were when handed over, %s', async (_, start) => {
    const events = sampleRecorded(
      'dossier-d',
      sampleDossierEvents({ id: 'd', communeCode: '01873', districtCode: '064', year: 2025 }, at),
    );
    let view: DossierView | undefined;
    for (const event of events.slice(0, 10)) view = evolveViewInPlace(view, event);
    const before = JSON.parse(JSON.stringify(view)) as DossierView;
    const inserts = start();
    try {
      const built = inserts.build('rm_x', [view!]);
      // The fold goes on in place before the statement is ready: the statement still holds the earlier view.
      for (const event of events.slice(10)) view = evolveViewInPlace(view, event);
      expect(await built).toEqual({
        text: insertText('rm_x'),
        params: [JSON.stringify([before]), ...rowParams([before])],
      });
      expect(view!.revision).not.toBe(before.revision);
    } finally {
      await inserts.close();
    }
  });

  it('fails the builds, instead of waiting for ever, when its worker thread has stopped', async () => {
    const inserts = startInsertThread(new Worker('', { eval: true })); // a worker that ends at once
    try {
      await expect(inserts.build('rm_x', views().slice(0, 1))).rejects.toThrow(/insert thread exited/);
      await expect(inserts.build('rm_x', views().slice(0, 1))).rejects.toThrow(/insert thread exited/);
    } finally {
      await inserts.close();
    }
  });
});
