/**
 * A real S3-protocol server (s3rver) in a process of its own for `pnpm bench:documents`: the S3 uploads and their
 * PutObject baseline share it, and its CPU is neither the service's nor the benchmark's. Prints where it listens as
 * one JSON line; stops (and removes its directory) on SIGTERM.
 */
import { startS3rver } from '@ntm/testing';

const s3 = await startS3rver('ntm-bench');
process.once('SIGTERM', () => void s3.stop().then(() => process.exit(0)));
process.stdout.write(
  `${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket, credentials: s3.credentials })}\n`,
);
