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
}

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
    });
    const latest = checkpoints.at(-1);
    if (report.ok && latest) this.witnessed(latest);
    this.current = { ok: report.ok, checkedAt: this.options.now().toISOString(), report };
    if (!report.ok) this.options.onMismatch?.(report);
    return report;
  }

  /** Prometheus text: 1 while the log matches its checkpoints (and before the first run), 0 once it does not. */
  prometheus(): string {
    const { ok, checkedAt, report } = this.current;
    const lines = [
      '# HELP ntm_audit_log_ok 1 while the global log matches its signed checkpoints, 0 after a mismatch',
      '# TYPE ntm_audit_log_ok gauge',
      `ntm_audit_log_ok ${ok === false ? 0 : 1}`,
    ];
    if (checkedAt && report) {
      lines.push(
        '# HELP ntm_audit_log_checked_timestamp_seconds when the continuous verifier last finished',
        '# TYPE ntm_audit_log_checked_timestamp_seconds gauge',
        `ntm_audit_log_checked_timestamp_seconds ${Math.floor(Date.parse(checkedAt) / 1000)}`,
        '# HELP ntm_audit_log_verified_checkpoint the last checkpoint the log matched',
        '# TYPE ntm_audit_log_verified_checkpoint gauge',
        `ntm_audit_log_verified_checkpoint ${report.verifiedUpTo?.seq ?? 0}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
