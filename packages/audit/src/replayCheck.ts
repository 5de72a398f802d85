/**
 * `replay:check`: every stored stream replayed through the machine version it pinned, each recorded transition
 * compared with what that machine produces, every hash and link checked. Streams are taken in the order of their
 * first event in the global log, a page at a time; the cursor (the global position up to which every stream that
 * starts there has been checked) and the tallies are handed to `onPage` after each page, so a run interrupted
 * between pages resumes from it without checking a stream twice or missing one.
 */
import type { EventStore, RecordedEvent } from '@ntm/event-store';
import { eventLine } from './format.js';
import { checkStreamChain, replayEvents, type Failure } from './replayStream.js';

/** What a run has done so far: saved after each page, and where a resumed run starts. */
export interface ReplayProgress {
  /** every stream whose first event is at or below this global position has been checked */
  after: string;
  streams: number;
  events: number;
  failures: Failure[];
}

export interface ReplayCheckOptions {
  store: EventStore;
  /** a saved progress to resume from */
  resume?: ReplayProgress | undefined;
  /** log events read per page (default 1,000) */
  pageSize?: number;
  /** after each page, with the progress to save */
  onPage?: (progress: ReplayProgress) => void | Promise<void>;
  /** stops between pages when aborted; the progress returned is then a resumable one */
  signal?: AbortSignal;
}

/** Dossier streams are replayed through their machine; every stream's chain is checked. */
const isDossier = (streamId: string) => streamId.startsWith('dossier-');

/** The failures of one stream: its chain, and for a dossier its replay. */
export function checkStream(events: readonly RecordedEvent[], streamId: string): Failure[] {
  const failures: Failure[] = [];
  const fail = (f: Failure) => failures.push({ streamId, ...f });
  const lines = events.map(eventLine);
  checkStreamChain(lines, streamId, fail);
  if (isDossier(streamId)) replayEvents(lines, undefined, fail);
  return failures;
}

/**
 * Every stream of the store, whole, in the order its first event appears in the global log, a page of the log at
 * a time: each page gives the streams starting in it and the position after it (to resume from).
 */
export async function* streamsInLogOrder(
  store: EventStore,
  options: { after?: bigint; pageSize?: number } = {},
): AsyncGenerator<{ streams: [string, RecordedEvent[]][]; after: bigint }> {
  let after = options.after ?? 0n;
  for (;;) {
    const page = await store.readAll({ after, limit: options.pageSize ?? 1000 });
    const starting = page.events.filter((e) => e.revision === 0n).map((e) => e.streamId);
    const read =
      starting.length > 0
        ? await store.readStreams(starting.map((streamId) => ({ streamId, fromRevision: 0n })))
        : new Map<string, RecordedEvent[]>();
    after = page.nextAfter;
    yield { streams: starting.map((id) => [id, read.get(id) ?? []]), after };
    if (page.isEnd) return;
  }
}

export async function replayCheck(
  options: ReplayCheckOptions,
): Promise<ReplayProgress & { complete: boolean }> {
  const progress: ReplayProgress = options.resume
    ? { ...options.resume, failures: [...options.resume.failures] }
    : { after: '0', streams: 0, events: 0, failures: [] };
  if (options.signal?.aborted) return { ...progress, complete: false };
  for await (const page of streamsInLogOrder(options.store, {
    after: BigInt(progress.after),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })) {
    for (const [streamId, events] of page.streams) {
      progress.streams += 1;
      progress.events += events.length;
      progress.failures.push(...checkStream(events, streamId));
    }
    progress.after = page.after.toString();
    await options.onPage?.(progress);
    if (options.signal?.aborted) return { ...progress, complete: false };
  }
  return { ...progress, complete: true };
}
