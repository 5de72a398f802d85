/**
 * Where a rebuild builds the rows of its inserts (ADR 0051): on a worker thread, from the views' JSON made when the
 * batch is handed over (so a view folded further afterwards does not change what is written), while the rebuild's
 * own thread reads and folds the log. A string crosses to the worker as a copy of its bytes; a structured clone of
 * the views cost the sending thread about what building the rows did. Under the TypeScript sources (the tests: a
 * worker thread cannot load them) the same function runs on this thread, on the same JSON, unless the caller gives
 * a worker it started from the sources.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DossierView } from './dossierView.js';
import { insertText, rowParamsOfJson } from './readModels.js';

export interface InsertThread {
  /** `insertStreams`' statement and parameters for the views as they are now */
  build(schema: string, views: readonly DossierView[]): Promise<{ text: string; params: string[] }>;
  /** stops the worker; builds not yet answered are rejected */
  close(): Promise<void>;
}

/** `worker`: a worker thread already running `insertWorker` (a test's, started from the sources). */
export function startInsertThread(worker?: Worker): InsertThread {
  const entry = new URL('./insertWorker.js', import.meta.url);
  if (!worker && !existsSync(fileURLToPath(entry))) {
    return {
      build: (schema, views) => {
        const json = JSON.stringify(views);
        return Promise.resolve({ text: insertText(schema), params: [json, ...rowParamsOfJson(json)] });
      },
      close: () => Promise.resolve(),
    };
  }
  const thread = worker ?? new Worker(entry);
  const waiting = new Map<number, { resolve: (rows: string[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  thread.on('message', (reply: { id: number; rows?: string[]; error?: string }) => {
    const job = waiting.get(reply.id);
    if (!job) return;
    waiting.delete(reply.id);
    if (reply.error === undefined) job.resolve(reply.rows!);
    else job.reject(new Error(`building a rebuild's insert statement failed: ${reply.error}`));
  });
  thread.on('error', failAll);
  thread.on('exit', (code) => failAll(new Error(`the rebuild's insert thread exited (${code})`)));
  return {
    build: async (schema, views) => {
      if (failure) throw failure;
      const id = next++;
      const json = JSON.stringify(views);
      const rows = new Promise<string[]>((resolve, reject) => {
        thread.postMessage({ id, views: json });
        waiting.set(id, { resolve, reject });
      });
      return { text: insertText(schema), params: [json, ...(await rows)] };
    },
    close: async () => {
      await thread.terminate();
    },
  };
}
