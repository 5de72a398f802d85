import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '@ntm/event-store';
import { contractEvent, describeEventStoreContract } from '@ntm/testing';
import { sqlTamper } from '@ntm/testing';
import { openEmbeddedStore } from './openEmbeddedStore.js';

describeEventStoreContract('embedded (PGlite, in memory)', async () => {
  const embedded = await openEmbeddedStore();
  return {
    store: embedded.store,
    tamper: sqlTamper(embedded.sql, 'event_store'),
    dispose: () => embedded.close(),
  };
});

describe('embedded store lifecycle', () => {
  it('ends open subscriptions when the store closes', async () => {
    const embedded = await openEmbeddedStore();
    const seen: string[] = [];
    let first!: () => void;
    const delivered = new Promise<void>((resolve) => (first = resolve));
    embedded.store.subscribeToAll({
      onEvent: (e) => {
        seen.push(e.eventId);
        first();
      },
    });
    const event = contractEvent();
    await embedded.store.append('dossier-open-sub', [event], { expectedRevision: 'no_stream' });
    await delivered;
    // The subscription is never closed by its owner: closing the store must still finish.
    await embedded.close();
    expect(seen).toEqual([event.eventId]);
  });
});

describe('embedded store on disk', () => {
  it('keeps its events across a close and reopen, with the chain intact', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'ntm-embedded-')), 'data');
    try {
      const first = await openEmbeddedStore({ dataDir });
      const batch = [contractEvent('Opened', { n: 1 }), contractEvent('Submitted', { n: 2 })];
      await first.store.append('dossier-disk', batch, { expectedRevision: 'no_stream' });
      await first.sql.query('CREATE TABLE public.read_model (id text PRIMARY KEY)');
      await first.sql.query(`INSERT INTO public.read_model VALUES ('kept')`);
      await first.close();

      const second = await openEmbeddedStore({ dataDir });
      const read = await second.store.readStream('dossier-disk');
      expect(read.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      expect(verifyChain(read)).toEqual({ ok: true, count: 2 });
      expect((await second.sql.query('SELECT id FROM public.read_model')).rows).toEqual([{ id: 'kept' }]);
      const next = await second.store.append('dossier-disk', [contractEvent('Approved')], {
        expectedRevision: 1n,
      });
      expect(next.nextExpectedRevision).toBe(2n);
      expect((await second.store.readAll()).events.map((e) => e.type)).toEqual([
        'Opened',
        'Submitted',
        'Approved',
      ]);
      await second.close();
    } finally {
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
