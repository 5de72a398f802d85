/**
 * Stream naming. The engine writes two kinds of stream, each built by one helper: dossiers (`dossier-<id>`, the
 * streams read models are projected from) and counters (`counter-<name>`, where dossier codes and decision numbers
 * are drawn: docs/adr/0016-numbers-from-counter-streams.md).
 */

const ENGINE_PREFIX = 'dossier-';
const COUNTER_PREFIX = 'counter-';

/** Stream id of a dossier (hồ sơ — recognition dossier): `dossier-<id>`. */
export function dossierStreamId(dossierId: string): string {
  return `${ENGINE_PREFIX}${dossierId}`;
}

/** True for dossier streams (those built by `dossierStreamId`): the ones read models are projected from. */
export function isEngineStream(streamId: string): boolean {
  return streamId.startsWith(ENGINE_PREFIX) && streamId.length > ENGINE_PREFIX.length;
}

/** Stream id of a counter: `counter-<name>`; its revision + 1 is the last number drawn. */
export function counterStreamId(name: string): string {
  return `${COUNTER_PREFIX}${name}`;
}

/** True for counter streams (those built by `counterStreamId`). */
export function isCounterStream(streamId: string): boolean {
  return streamId.startsWith(COUNTER_PREFIX) && streamId.length > COUNTER_PREFIX.length;
}

const IMPORT_PREFIX = 'recognition-import-';

/**
 * Stream id of one attempt at importing one file of past recognitions (ADR 0027):
 * `recognition-import-<first 32 hex of the file's SHA-256>-<attempt>`. The same bytes name the same stream, which is
 * what makes importing a file twice write nothing the second time.
 */
export function recognitionImportStreamId(fileSha256: string, attempt: number): string {
  return `${IMPORT_PREFIX}${fileSha256.slice(0, 32)}-${attempt}`;
}

/** True for the streams built by `recognitionImportStreamId`. */
export function isRecognitionImportStream(streamId: string): boolean {
  return streamId.startsWith(IMPORT_PREFIX) && streamId.length > IMPORT_PREFIX.length;
}
