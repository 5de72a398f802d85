/**
 * A benchmark in miniature for benchService.e2e.test.ts: it runs one service and stops it, runs a second, says
 * which process and folder the second has, and waits to be interrupted (as `bench:documents` runs one service with
 * the filesystem blob store, then one with S3).
 */
import { startBenchService } from './benchService.js';

const first = await startBenchService({});
await first.stop();
const second = await startBenchService({});
process.stdout.write(`${JSON.stringify({ pid: second.child.pid, dataDir: second.dataDir })}\n`);
setInterval(() => undefined, 60_000);
