/**
 * `pnpm audit:checkpoint`: signs and stores a checkpoint of the global log now (the API also makes one every
 * AUDIT_CHECKPOINT_SECONDS), and prints it as JSON, the line a witness keeps. Nothing when the log has not moved.
 */
import { CheckpointStore, makeCheckpoint } from '@ntm/audit';
import { loadConfig, openAuditSigner, openInfrastructure } from '@ntm/runtime';

async function main(): Promise<number> {
  const config = loadConfig();
  const signer = await openAuditSigner(config);
  const infra = await openInfrastructure(config, { applicationName: 'ntm-audit-checkpoint' });
  try {
    const checkpoints = new CheckpointStore(infra.sql, infra.sqlSchema);
    await checkpoints.migrate();
    const made = await makeCheckpoint({ store: infra.store, checkpoints, signer, now: new Date() });
    if (!made) {
      process.stderr.write('the log has not moved since the last checkpoint: none made\n');
      return 0;
    }
    process.stdout.write(`${JSON.stringify(made)}\n`);
    return 0;
  } finally {
    await infra.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
