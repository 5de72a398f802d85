/**
 * A worker thread of `pnpm sim:national`: decides the plans it is asked for (`simDossier`) and posts the dossiers
 * back, so that deciding (the generator's CPU cost) runs on several cores while the main thread appends.
 */
import { parentPort } from 'node:worker_threads';
import { nationalCommunes, simDossier } from './nationalHistories.js';

const communes = nationalCommunes();
parentPort!.on('message', (plans: number[]) => {
  parentPort!.postMessage(plans.map((n) => simDossier(n, communes)));
});
