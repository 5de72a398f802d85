/**
 * What every read model is made of: a table, its key, and the rows one stream owns in it (a pure function of the
 * stream's folded view). Every row belongs to exactly one stream (`stream_id`), so a catch-up replaces a stream's
 * rows and a rebuild inserts everyone's rows with the same code: incremental and rebuilt cannot drift apart.
 */
import { isCounterStream } from '@ntm/event-store';
import { quoteIdent } from '@ntm/sql';
import type { DossierView } from './dossierView.js';

/** The read models' schema unless told otherwise (`READ_MODEL_SCHEMA`). */
export const DEFAULT_SCHEMA = 'read_models';

/**
 * Whether a stream's events reach the read models. A counter stream (ADR 0016) owns no row and its view says
 * nothing: the number it gives is in the dossier's own event. So it is not projected anywhere, by a worker, the
 * in-process projector or a rebuild, and it has no checkpoint (ADR 0071): every page of a round of draws held the
 * one counter's stream, and two workers writing its checkpoint waited for each other's whole batch.
 */
export const isProjectedStream = (streamId: string): boolean => !isCounterStream(streamId);

/** Quotes a schema name (checked: lowercase identifier), so names can never inject SQL. */
export const q = quoteIdent;

/** One read-model row, as JSON. */
export type ReadModelRow = Record<string, string | number | boolean | null>;

/** A read model: its table, its key, and the rows one stream contributes (a pure function of the view). */
export interface Projection {
  name: string;
  /** column definitions, in table order */
  columns: string;
  /** columns that identify a row (used to upsert, order and compare) */
  key: string[];
  /** The rows that one stream owns in this table. */
  rows(view: DossierView): ReadModelRow[];
}

/** A projection defined by a pure row function; only dossier streams own rows. */
export function rowProjection(
  name: string,
  columns: string,
  key: string[],
  rows: (view: DossierView) => ReadModelRow[],
): Projection {
  return { name, columns, key, rows: (view) => (view.isDossier ? rows(view) : []) };
}

/** Column names of a DDL column list (the words that start each top-level definition, constraints excluded). */
export function columnNames(columns: string): string[] {
  return columns
    .split(/,(?![^()]*\))/)
    .map((definition) => definition.trim().split(/\s+/)[0]!)
    .filter((name) => name !== 'PRIMARY');
}
