/** Stream naming. Every stream the engine writes starts with `dossier-`, built by one helper. */

const ENGINE_PREFIX = 'dossier-';

/** Stream id of a dossier (hồ sơ — recognition dossier): `dossier-<id>`. */
export function dossierStreamId(dossierId: string): string {
  return `${ENGINE_PREFIX}${dossierId}`;
}

/** True for streams written by the engine (those built by `dossierStreamId`). */
export function isEngineStream(streamId: string): boolean {
  return streamId.startsWith(ENGINE_PREFIX) && streamId.length > ENGINE_PREFIX.length;
}
