/**
 * The command handler on the real PostgreSQL store, without HTTP: a retry after a lost answer is answered from the
 * stream, the system's command is refused to every token principal and accepted from the system principal only
 * where due, and an altered stream is refused and logged at error level.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { can } from '@ntm/auth';
import { loadBacKan, type DomainActor } from '@ntm/domain';
import { dossierStreamId, type EventStore } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { sqlTamper } from '@ntm/testing';
import { communeJourney } from '@ntm/testing';
import {
  ChainBrokenError,
  DossierCache,
  DossierExistsError,
  DossierNotFoundError,
  handleCommand,
  OutOfJurisdictionError,
  prepareCommand,
  RevisionMismatchError,
  type AppendedNotice,
  type CommandInput,
  type CommandPorts,
  type CommandPrincipal,
} from './index.js';

const journey = communeJourney('ntm', 1);
const [open, first, second] = journey.steps;
const units = loadBacKan();

let opened: Awaited<ReturnType<typeof openPostgresStore>>;
let schema: string;
let now: Date;
let errors: { details: object; message: string }[];
let ports: CommandPorts;

beforeEach(async () => {
  schema = `app_handler_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  opened = await openPostgresStore({
    connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    schema,
  });
  errors = [];
  now = new Date(String(open!.ctx.now));
  ports = {
    store: opened.store,
    dossiers: new DossierCache(),
    clock: { now: () => now },
    domainContext: { units },
    unitRecognition: () => Promise.resolve(null),
    authorize: (actor, action, scope, ruleSet) =>
      can(actor, action, scope, ruleSet && { ruleSet, now, units }),
    notifyAppended: () => Promise.resolve(),
    log: { error: (details, message) => errors.push({ details, message }) },
  };
});
afterEach(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
});

const inputOf = (step: typeof open, extra: Partial<CommandInput> = {}): CommandInput => {
  const { type, dossierId: _ignored, ...body } = step!.command;
  return { type, body, correlationId: 'c', causationId: 'c', ...extra };
};
const as = (actor: DomainActor): CommandPrincipal => ({ actor });

async function opening(): Promise<string> {
  const result = await handleCommand(ports, as(open!.ctx.actor), inputOf(open));
  return result.dossierId;
}

describe('handleCommand', () => {
  it('answers a retry whose first answer was lost from the stream, appending nothing', async () => {
    const dossierId = await opening();
    now = new Date(String(first!.ctx.now));
    const input = inputOf(first, { dossierId, expectedRevision: 0n, idempotencyKey: 'retry-0001' });
    const done = await handleCommand(ports, as(first!.ctx.actor), input);
    // Another process, with a cold cache, gets the same request again.
    const again = await handleCommand(
      { ...ports, dossiers: new DossierCache() },
      as(first!.ctx.actor),
      input,
    );
    expect(again).toEqual({ ...done, replayed: true });
    expect(await opened.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);
  });

  it('opens a dossier without a key on its fresh id without reading the store; a key still reads first', async () => {
    // ADR 0060: the read found nothing but cost every opening a round trip while a round of openings held the
    // clients' connections. Only the append, conditional on no stream, speaks for the new id.
    const reads: string[] = [];
    const counting = new Proxy(opened.store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (String(name).startsWith('read')) reads.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const counted = { ...ports, store: counting };
    const unkeyed = await handleCommand(counted, as(open!.ctx.actor), inputOf(open));
    expect(reads).toEqual([]);
    expect(await opened.store.readStream(dossierStreamId(unkeyed.dossierId))).toHaveLength(1);
    const keyed = await handleCommand(
      counted,
      as(open!.ctx.actor),
      inputOf(open, { idempotencyKey: 'open-0001' }),
    );
    expect(reads).toEqual(['readStream']);
    // Its retry is answered from the stream, as before.
    const again = await handleCommand(
      { ...counted, dossiers: new DossierCache() },
      as(open!.ctx.actor),
      inputOf(open, { idempotencyKey: 'open-0001' }),
    );
    expect(again).toEqual({ ...keyed, replayed: true });
  });

  it('refuses an opening without a key whose fresh id another writer took first, and appends nothing of it', async () => {
    // The id taken between the decision and the append (a stand-in for a collision): the conflict reads the stream
    // and judges again, and the dossier there is not overwritten.
    let taken: string | undefined;
    const append: EventStore['append'] = async (streamId, events, options) => {
      if (options.expectedRevision === 'no_stream' && taken === undefined) {
        taken = streamId;
        await opened.store.append(
          streamId,
          events.map((e) => ({ ...e, eventId: randomUUID() })),
          { expectedRevision: 'no_stream' },
        );
      }
      return opened.store.append(streamId, events, options);
    };
    const racing = new Proxy(opened.store, {
      get: (target, name, receiver) =>
        name === 'append' ? append : (Reflect.get(target, name, receiver) as unknown),
    });
    await expect(
      handleCommand({ ...ports, store: racing }, as(open!.ctx.actor), inputOf(open)),
    ).rejects.toBeInstanceOf(DossierExistsError);
    expect(await opened.store.readStream(taken!)).toHaveLength(1);
  });

  it('hands the events it appended to notifyAppended as stored, and none for a retry answered from the stream', async () => {
    const notices: AppendedNotice[] = [];
    ports.notifyAppended = (notice) => {
      notices.push(notice);
      return Promise.resolve();
    };
    const dossierId = await opening();
    now = new Date(String(first!.ctx.now));
    const input = inputOf(first, { dossierId, expectedRevision: 0n, idempotencyKey: 'notice-0001' });
    await handleCommand(ports, as(first!.ctx.actor), input);
    await handleCommand({ ...ports, dossiers: new DossierCache() }, as(first!.ctx.actor), input);
    const stored = await opened.store.readStream(dossierStreamId(dossierId));
    // What a projection folds (ADR 0041): everything of the stored event but the store's position, time and hashes.
    const asAppended = stored.map(
      ({ position: _p, recordedAt: _r, prevHash: _h, hash: _x, ...rest }) => rest,
    );
    expect(notices).toHaveLength(2);
    expect(notices.flatMap((n) => n.events)).toEqual(asAppended);
    expect(notices[1]!.revision).toBe(stored.at(-1)!.revision);
  });

  it('tells the one of two concurrent twins (same key) that appended nothing that it was replayed', async () => {
    const dossierId = await opening();
    now = new Date(String(first!.ctx.now));
    // No expected revision (as the deadline worker sends): both decide on the same head and append the same ids.
    const input = inputOf(first, { dossierId, idempotencyKey: 'twin-0001' });
    const twins = await Promise.all(
      [ports, { ...ports, dossiers: new DossierCache() }].map((p) =>
        handleCommand(p, as(first!.ctx.actor), input),
      ),
    );
    expect(twins.map((t) => t.replayed).sort()).toEqual([false, true]);
    expect(await opened.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);
  });

  it('takes ElapseDeadline from no token, however it is named, and from the system worker', async () => {
    const dossierId = await opening();
    const elapse = inputOf(
      { command: { type: 'ElapseDeadline', deadlineId: 'verification-2024-04-01' }, ctx: open!.ctx },
      { dossierId, expectedRevision: 0n },
    );
    const impostor = { id: 'system:deadline-worker', role: 'administrator' as const, unit: '06' };
    await expect(handleCommand(ports, as(impostor), elapse)).rejects.toBeInstanceOf(DossierNotFoundError);
    await expect(handleCommand(ports, as(open!.ctx.actor), elapse)).rejects.toBeInstanceOf(
      OutOfJurisdictionError,
    );
    // The worker passes jurisdiction; the domain then refuses it in a step that runs no deadline.
    await expect(handleCommand(ports, { system: 'deadline-worker' }, elapse)).rejects.toMatchObject({
      code: 'COMMAND_REFUSED',
      refusal: { code: 'COMMAND_NOT_ALLOWED_IN_STATE' },
    });
  });

  it('decides a command ahead for an instant and appends it only when committed; written since, the commit fails', async () => {
    const dossierId = await opening();
    const at = new Date(String(first!.ctx.now));
    const input = inputOf(first, { dossierId, expectedRevision: 0n });
    const streamId = dossierStreamId(dossierId);
    // Decided with the clock of the instant, before it (the ports' clock still reads the opening's time).
    const prepared = await prepareCommand(ports, as(first!.ctx.actor), input, at);
    expect(await opened.store.readStream(streamId)).toHaveLength(1);
    const committed = await prepared.commit();
    expect(committed.revision).toBe(1n);
    const events = await opened.store.readStream(streamId);
    expect(events).toHaveLength(2);
    expect(events[1]!.metadata.occurredAt).toBe(at.toISOString());
    // Another one decided ahead on revision 1, then the dossier is written meanwhile: nothing of it is appended.
    now = at;
    const stale = await prepareCommand(
      ports,
      as(second!.ctx.actor),
      inputOf(second, { dossierId, expectedRevision: 1n }),
      new Date(String(second!.ctx.now)),
    );
    await handleCommand(ports, as(second!.ctx.actor), inputOf(second, { dossierId, expectedRevision: 1n }));
    await expect(stale.commit()).rejects.toBeInstanceOf(RevisionMismatchError);
    expect(await opened.store.readStream(streamId)).toHaveLength(3);
  });

  it('refuses a stream whose head was altered, logs it at error level, and appends nothing', async () => {
    const dossierId = await opening();
    now = new Date(String(first!.ctx.now));
    await handleCommand(ports, as(first!.ctx.actor), inputOf(first, { dossierId, expectedRevision: 0n }));
    const streamId = dossierStreamId(dossierId);
    const [, head] = await opened.store.readStream(streamId);
    await sqlTamper(opened.sql, schema).editData(streamId, 1n, { ...head!.data, met: !head!.data['met'] });
    now = new Date(String(second!.ctx.now));
    const next = inputOf(second, { dossierId, expectedRevision: 1n });
    const cold = { ...ports, dossiers: new DossierCache() };
    await expect(handleCommand(cold, as(second!.ctx.actor), next)).rejects.toBeInstanceOf(ChainBrokenError);
    expect(errors).toEqual([
      {
        message: 'hash chain broken: dossier refused',
        details: expect.objectContaining({ streamId, revision: '1', reason: 'hash_mismatch' }) as object,
      },
    ]);
    // An outsider learns only that there is no such dossier.
    const outsider = { id: 'ngoai', role: 'commune_official' as const, unit: '02035' };
    await expect(handleCommand(cold, as(outsider), next)).rejects.toBeInstanceOf(DossierNotFoundError);
    expect(await opened.store.readStream(streamId)).toHaveLength(2);
  });
});
