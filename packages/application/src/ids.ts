/**
 * Name-based ids (uuid v5, RFC 9562), so that a retried request or a repeated sweep produces the very same ids and
 * the store's idempotent append writes it once. Who asked is part of every name: the whole principal (user, role,
 * unit, and on whose behalf), so one user's key never names another identity's events.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@ntm/event-store';
import type { DomainActor } from '@ntm/domain';

/** Namespace of the engine's name-based uuids. */
const NAMESPACE = Buffer.from('5c0a4e1e8f2b4c53a1f7d0c9b2e6a731', 'hex');

/** uuid v5 of a name in the engine's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Deterministic id of the index-th event appended under an idempotency key by one principal (`scope`). */
export function eventIdFor(key: string, scope: string, index: number): string {
  return uuidV5(`event\n${scope}\n${key}\n${index}`);
}

/**
 * The identity an idempotency key belongs to: user id, role, unit and delegation. A token with the same `sub` but
 * another role or unit is another identity, with other rights; it never shares a key's record or its ids.
 */
export function principalScope(principal: {
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
}): string {
  const { actor, onBehalfOf } = principal;
  return canonicalJson([
    actor.id,
    actor.role,
    actor.unit,
    ...(onBehalfOf ? [onBehalfOf.id, onBehalfOf.role, onBehalfOf.unit] : []),
  ]);
}
