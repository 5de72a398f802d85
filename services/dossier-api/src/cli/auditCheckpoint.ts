/**
 * `pnpm audit:checkpoint`: signs and stores a checkpoint of the global log now (the API also makes them as
 * automatic checkpoints), and prints it as JSON, the line a witness keeps. Nothing when the log has not moved.
 */
import { CheckpointStore, makeCheckpoint } from '@ntm/audit';
import { openAuditSigner } from '@ntm/runtime';
import { runCli } from './runCli.js';

runCli('ntm-audit-checkpoint', async ({ config, infra }) => {
  const signer = await openAuditSigner(config);
  const checkpoints = new CheckpointStore(infra.sql, infra.sqlSchema);
  await checkpoints.migrate();
  const made = await makeCheckpoint({ store: infra.store, checkpoints, signer, now: new Date() });
  if (made) process.stdout.write(`${JSON.stringify(made)}\n`);
  else process.stderr.write('the log has not moved since the last checkpoint: none made\n');
  return 0;
});
