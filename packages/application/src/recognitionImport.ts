/**
 * `importRecognitions`: a file of past recognitions into the log (ADR 0027). The domain judges the whole file first
 * (`decideRecognitionImport`), so a refused file writes nothing; an accepted one is written to its own stream
 * (named by the file's SHA-256) in chunks, with progress, and counts in the read models only once its
 * `RecognitionImportCompleted` is written. Interrupted between chunks, it is resumed (the stream's revision says
 * how many rows are written) or cleaned (the attempt is marked abandoned; its rows never count).
 */
import { createHash } from 'node:crypto';
import {
  decideRecognitionImport,
  parseRecognitionCsv,
  type DomainActor,
  type ImportedRow,
  type ImportRefusal,
  type UnitRegistry,
} from '@ntm/domain';
import { recognitionImportStreamId, type EventStore, type Json, type NewEvent } from '@ntm/event-store';
import { uuidV5 } from './ids.js';

/** The file cannot be imported: every refusal, with its line. Nothing of the file was written. */
export class ImportRefusedError extends Error {
  readonly code = 'IMPORT_REFUSED';
  constructor(readonly refusals: readonly ImportRefusal[]) {
    super(`the file cannot be imported: ${refusals.length} refusal(s)`);
    this.name = 'ImportRefusedError';
  }
}

/** An earlier import of the same file stopped half-way: say whether to resume it or clean it. */
export class ImportUnfinishedError extends Error {
  readonly code = 'IMPORT_UNFINISHED';
  constructor(
    readonly streamId: string,
    readonly written: number,
    readonly rows: number,
  ) {
    super(
      `an import of this file stopped after ${written} of ${rows} rows (${streamId}): resume or clean it`,
    );
    this.name = 'ImportUnfinishedError';
  }
}

export interface RecognitionImportPorts {
  store: EventStore;
  units: UnitRegistry;
  /**
   * The `decisionKey`s already on record for these unit codes: the recognition read model (dossiers' decisions
   * and completed imports).
   */
  recordedDecisions(unitCodes: readonly string[]): Promise<ReadonlySet<string>>;
}

export interface RecognitionImportOptions {
  fileName: string;
  bytes: Uint8Array;
  /** the injected clock */
  now: () => Date;
  /** who imports (a user id, recorded as an administrator of the first row's province); default the system's importer */
  by?: string | undefined;
  /** rows per append (default 500) */
  chunkSize?: number | undefined;
  onProgress?: ((progress: { written: number; rows: number }) => void) | undefined;
  /** checked between chunks: an abort stops the import there, to be resumed or cleaned */
  signal?: AbortSignal | undefined;
  /** what to do with an unfinished earlier attempt at the same file (without it, `ImportUnfinishedError`) */
  unfinished?: 'resume' | 'clean' | undefined;
}

export interface RecognitionImportResult {
  status: 'imported' | 'already-imported' | 'interrupted';
  streamId: string;
  rows: number;
  /** rows in the stream when the call returned */
  written: number;
}

interface Attempt {
  attempt: number;
  streamId: string;
  /** the stream's last revision, undefined when it does not exist */
  revision: bigint | undefined;
  lastType: string | undefined;
}

/** The latest attempt at a file (attempts are numbered 1, 2, …; a new one starts after an abandoned one). */
async function latestAttempt(store: EventStore, sha256: string): Promise<Attempt> {
  for (let attempt = 1; ; attempt += 1) {
    const streamId = recognitionImportStreamId(sha256, attempt);
    const revision = await store.streamRevision(streamId);
    if (revision === undefined) return { attempt, streamId, revision, lastType: undefined };
    const [last] = await store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (last?.type !== 'RecognitionImportAbandoned')
      return { attempt, streamId, revision, lastType: last?.type };
  }
}

const SYSTEM_IMPORTER = 'system:recognition-import';

/** Imports a CSV file of past recognitions (the template of docs/audit.md), or refuses it whole. */
export async function importRecognitions(
  ports: RecognitionImportPorts,
  options: RecognitionImportOptions,
): Promise<RecognitionImportResult> {
  const { store } = ports;
  const sha256 = createHash('sha256').update(options.bytes).digest('hex');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(options.bytes);
  } catch {
    throw new ImportRefusedError([
      { line: 1, code: 'IMPORT_FILE_INVALID', en: 'the file is not UTF-8', vi: 'tệp không mã hóa UTF-8' },
    ]);
  }
  let current = await latestAttempt(store, sha256);
  if (current.lastType === 'RecognitionImportCompleted') {
    const rows = Number(current.revision) - 1;
    return { status: 'already-imported', streamId: current.streamId, rows, written: rows };
  }

  // Judge the whole file before anything is written (also on resume: the record may have moved since).
  const parsed = parseRecognitionCsv(text);
  if (parsed.refusals.length > 0) throw new ImportRefusedError(parsed.refusals);
  const unitCodes = [...new Set(parsed.rows.map((r) => r.fields.unit_code))];
  const decided = decideRecognitionImport(parsed.rows, {
    now: options.now(),
    units: ports.units,
    recorded: await ports.recordedDecisions(unitCodes),
  });
  if (!decided.ok) throw new ImportRefusedError(decided.refusals);
  const rows = decided.rows;
  const first = rows[0]!;
  const actor: DomainActor = {
    id: options.by ?? SYSTEM_IMPORTER,
    role: 'administrator',
    unit: first.provinceCode,
  };
  const envelope = (streamId: string, type: string, data: object, name: string): NewEvent => ({
    eventId: uuidV5(`${streamId}\n${name}`),
    type,
    schemaVersion: 1,
    data: data as { [key: string]: Json },
    metadata: {
      actor,
      correlationId: streamId,
      causationId: streamId,
      occurredAt: options.now().toISOString(),
    },
  });

  let written = 0;
  if (current.revision !== undefined) {
    // An earlier attempt stopped half-way (the process was interrupted or died between chunks).
    written = Number(current.revision);
    if (options.unfinished === undefined)
      throw new ImportUnfinishedError(current.streamId, written, rows.length);
    if (options.unfinished === 'clean') {
      await store.append(
        current.streamId,
        [
          envelope(
            current.streamId,
            'RecognitionImportAbandoned',
            { rowsWritten: written, reason: 'cleaned by the importer before a new attempt' },
            'abandoned',
          ),
        ],
        { expectedRevision: current.revision },
      );
      current = {
        attempt: current.attempt + 1,
        streamId: recognitionImportStreamId(sha256, current.attempt + 1),
        revision: undefined,
        lastType: undefined,
      };
      written = 0;
    }
  }
  const { streamId } = current;
  let revision = current.revision;
  if (revision === undefined) {
    const started = envelope(
      streamId,
      'RecognitionImportStarted',
      { source: { file: options.fileName.slice(-200), sha256 }, rows: rows.length, attempt: current.attempt },
      'started',
    );
    revision = (await store.append(streamId, [started], { expectedRevision: 'no_stream' }))
      .nextExpectedRevision;
  }
  const chunkSize = options.chunkSize ?? 500;
  options.onProgress?.({ written, rows: rows.length });
  while (written < rows.length) {
    if (options.signal?.aborted) return { status: 'interrupted', streamId, rows: rows.length, written };
    const chunk = rows.slice(written, written + chunkSize);
    const events = chunk.map((row: ImportedRow) =>
      envelope(streamId, 'RecognitionImported', row, `line ${row.line}`),
    );
    // Conditional on the revision read: two importers of the same file cannot interleave their rows.
    revision = (await store.append(streamId, events, { expectedRevision: revision })).nextExpectedRevision;
    written += chunk.length;
    options.onProgress?.({ written, rows: rows.length });
  }
  await store.append(
    streamId,
    [envelope(streamId, 'RecognitionImportCompleted', { rows: rows.length }, 'completed')],
    { expectedRevision: revision },
  );
  return { status: 'imported', streamId, rows: rows.length, written };
}
