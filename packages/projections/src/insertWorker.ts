/**
 * The rebuild's second thread (ADR 0051): from the JSON of a batch of folded views (which the rebuild's thread makes
 * anyway: it is the checkpoints' parameter), builds the rows of every read model and their JSON, so that the thread
 * that reads and folds the log does not.
 */
import { parentPort } from 'node:worker_threads';
import { rowParamsOfJson } from './readModels.js';

parentPort!.on('message', (job: { id: number; views: string }) => {
  try {
    parentPort!.postMessage({ id: job.id, rows: rowParamsOfJson(job.views) });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
