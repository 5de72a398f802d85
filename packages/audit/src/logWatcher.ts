/**
 * The continuous verifier: re-checks the store against every stored checkpoint, remembering the latest checkpoint
 * it has seen verified so that checkpoints deleted together with the events they cover are caught too. Its status
 * feeds `/ready` (503 AUDIT_LOG_MISMATCH) and the metric `ntm_audit_log_ok`. Each run reads the whole log once
 * (see docs/audit.md for the cost); the service runs it every AUDIT_VERIFY_SECONDS.
 */
import type { EventStore } from '@ntm/event-store';
import type { CheckpointStore, SignedCheckpoint } from './checkpoints.js';
import type { PublishedKey } from './keys.js';
import { verifyLog, type LogReport } from './verifyLog.js';

export interface WatcherStatus {
  /** undefined until the first run */
  ok: boolean | undefined;
  checkedAt?: string;
  report?: LogReport;
}

export interface LogWatcherOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  keys: () => readonly PublishedKey[];
  now: () => Date;
  /** told of every run that finds the log no longer matching */
  onMismatch?: (report: LogReport) => void;
  /** events per read of the log (WATCH_PAGE by default) */
  pageSize?: number;
}

/**
 * Events per read when the verifier runs inside a service: each page's events are hashed without a break (about
 * 10 ms for 500 on a slow machine), and each read gives way to the event loop, so requests wait for one page at
 * most while the whole log is checked (5000-event pages held them up for 100 ms and more each).
 */
export const WATCH_PAGE = 500;

export class AuditLogWatcher {
  private seen: SignedCheckpoint | undefined;
  private current: WatcherStatus = { ok: undefined };

  constructor(private readonly options: LogWatcherOptions) {}

  get status(): WatcherStatus {
    return this.current;
  }

  /** Remembers a checkpoint this process has made, so it must be found again by every later run. */
  witnessed(checkpoint: SignedCheckpoint): void {
    if (!this.seen || checkpoint.body.seq > this.seen.body.seq) this.seen = checkpoint;
  }

  async verifyNow(): Promise<LogReport> {
    const checkpoints = await this.options.checkpoints.list();
    const report = await verifyLog({
      store: this.options.store,
      checkpoints,
      keys: this.options.keys(),
      expected: this.seen,
      pageSize: this.options.pageSize ?? WATCH_PAGE,
    });
    const latest = checkpoints.at(-1);
    if (report.ok && latest) this.witnessed(latest);
    this.current = { ok: report.ok, checkedAt: this.options.now().toISOString(), report };
    if (!report.ok) this.options.onMismatch?.(report);
    return report;
  }
}
