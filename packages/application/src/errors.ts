/**
 * Why the command handler refuses or fails, as typed errors with stable codes. The handler knows no HTTP: the
 * service maps each code to a problem (status and both languages) in one place, and a worker maps them to its own
 * outcome (the deadline sweep counts a refusal as skipped).
 */
import type { DomainError, DossierState } from '@ntm/domain';

export type ApplicationErrorCode =
  | 'DOSSIER_NOT_FOUND'
  | 'DOSSIER_EXISTS'
  | 'REVISION_MISMATCH'
  | 'OUT_OF_JURISDICTION'
  | 'CHAIN_BROKEN'
  | 'COMMAND_REFUSED';

/** Base of the handler's errors; `code` is stable. */
export abstract class ApplicationError extends Error {
  abstract readonly code: ApplicationErrorCode;
}

/** No such dossier, or one the caller may not read (the two are told apart to nobody). */
export class DossierNotFoundError extends ApplicationError {
  readonly code = 'DOSSIER_NOT_FOUND';
  constructor(
    readonly dossierId: string,
    /** set when the dossier exists but this actor may not read it: for the log, never for the answer */
    readonly deniedTo?: { actor: { id: string; role: string; unit: string }; action: string },
  ) {
    super(`dossier ${dossierId} not found`);
    this.name = 'DossierNotFoundError';
  }
}

/** A creating command for a dossier id that is already taken (and not by this very request). */
export class DossierExistsError extends ApplicationError {
  readonly code = 'DOSSIER_EXISTS';
  constructor(readonly dossierId: string) {
    super(`dossier ${dossierId} already exists`);
    this.name = 'DossierExistsError';
  }
}

/** The dossier moved past the revision the caller decided on. */
export class RevisionMismatchError extends ApplicationError {
  readonly code = 'REVISION_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: bigint | undefined,
  ) {
    super(`expected revision ${expected}, actual ${actual === undefined ? 'none' : String(actual)}`);
    this.name = 'RevisionMismatchError';
  }
}

/** The principal may read the dossier but not do this there. */
export class OutOfJurisdictionError extends ApplicationError {
  readonly code = 'OUT_OF_JURISDICTION';
  constructor(
    readonly actor: { id: string; role: string; unit: string },
    readonly action: string,
  ) {
    super(`${actor.id} (${actor.role}, ${actor.unit}) may not ${action} this dossier`);
    this.name = 'OutOfJurisdictionError';
  }
}

/**
 * An event read from the dossier's stream does not match its hash, or does not link to the one before it: the log
 * was altered outside the engine. Nothing is decided or written on it.
 */
export class ChainBrokenError extends ApplicationError {
  readonly code = 'CHAIN_BROKEN';
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly reason: 'hash_mismatch' | 'broken_link' | 'revision_gap',
    /** the dossier folded from the events before the bad one, if any: enough to tell who may learn of it */
    readonly trusted?: DossierState,
  ) {
    super(`stream ${streamId}: event ${revision} fails the hash chain (${reason})`);
    this.name = 'ChainBrokenError';
  }
}

/** The domain refused the command; `refusal` carries its code, kind and both messages. */
export class CommandRefusedError extends ApplicationError {
  readonly code = 'COMMAND_REFUSED';
  constructor(readonly refusal: DomainError) {
    super(refusal.message);
    this.name = 'CommandRefusedError';
  }
}
