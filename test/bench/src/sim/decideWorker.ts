/**
 * A worker thread of `pnpm sim:national`: decides the plans it is asked for (`simDossier`, through the domain's
 * `decide`) and appends them itself, on a store of its own, so that deciding and appending (the generator's CPU
 * cost: the decider, then the store's chaining and serialisation) both run on every core, and no dossier is copied
 * between threads. Each chunk's dossiers are appended at once, so that the store's group commit (ADR 0008) puts
 * many of them in one INSERT; the next chunk is decided while that INSERT is in flight.
 */
import { parentPort } from 'node:worker_threads';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { nationalCommunes } from './nationalHistories.js';
import { decideAndAppend, type ToWorker } from './generate.js';

const communes = nationalCommunes();
let opened: Promise<OpenedPostgresStore> | undefined;
parentPort!.on('message', (message: ToWorker) => {
  void (async () => {
    if (message.type === 'open') {
      opened = openPostgresStore({
        connectionString: message.url,
        schema: message.schema,
        maxConnections: 4,
      });
      return;
    }
    if (message.type === 'close') {
      await (await opened)?.close();
      parentPort!.postMessage({ type: 'closed' });
      return;
    }
    try {
      const { store } = await opened!;
      const done = await decideAndAppend(store, message.plans, communes);
      parentPort!.postMessage({ type: 'done', id: message.id, done });
    } catch (error) {
      parentPort!.postMessage({
        type: 'failed',
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  })();
});
