/**
 * The authorisation matrix over HTTP. Along a whole commune NTM dossier (2022 procedure), every command type is
 * tried by every role, with a unit inside and one outside the dossier's jurisdiction, before the lawful actor
 * sends it: only the lawful role inside the jurisdiction is accepted, and no refusal appends anything (the
 * lawful request still matches the same ETag). Then the tokens that must never authenticate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { allowedCommands, replay, ROLES, type DomainActor, type Role } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { can, LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from '@ntm/auth';
import { communeJourney, QUANG_BACH, TAN_LAP, THAI_NGUYEN } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
/** Each describe block gets its own server and schema: a recognised commune cannot be opened again. */
function freshServer(): void {
  beforeAll(async () => {
    t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_authz' });
  });
  afterAll(() => t.close());
}

/** For Tân Lập (commune 02032, district 064, province 06): a unit inside and one outside, per role. */
const UNITS: Record<Role, { inside: string; outside: string }> = {
  commune_official: { inside: TAN_LAP, outside: '02035' },
  commune_chairman: { inside: TAN_LAP, outside: '02035' },
  front_officer: { inside: TAN_LAP, outside: '02035' },
  village_head: { inside: `${TAN_LAP}-ban-cuon`, outside: '02035-na-hin' },
  district_verifier: { inside: '064', outside: '063' },
  district_chairman: { inside: '064', outside: '063' },
  provincial_appraiser: { inside: '06', outside: '19' },
  council_member: { inside: '06', outside: '19' },
  council_secretary: { inside: '06', outside: '19' },
  provincial_chairman: { inside: '06', outside: '19' },
  auditor: { inside: '06', outside: '19' },
  administrator: { inside: '06', outside: '19' },
  integration_client: { inside: '06', outside: '19' },
  data_protection_officer: { inside: '06', outside: '19' },
};

describe('authorisation matrix along a commune NTM dossier', () => {
  freshServer();
  it('accepts each command only from its lawful role inside the jurisdiction', async () => {
    const journey = communeJourney('ntm', 1);
    let dossierId: string | undefined;
    let etag: string | undefined;
    const probed = new Set<string>();
    let probes = 0;
    let lawfulProbes = 0;
    for (const step of journey.steps) {
      const type = step.command.type;
      t.clock.set(new Date(step.ctx.now));
      if (!probed.has(type) && dossierId !== undefined) {
        probed.add(type);
        const state = replay(await t.store.readStream(dossierStreamId(dossierId)));
        for (const role of ROLES) {
          for (const where of ['inside', 'outside'] as const) {
            const actor: DomainActor = { id: `probe-${role}-${where}`, role, unit: UNITS[role][where] };
            const inJurisdiction =
              where === 'inside' &&
              ![
                'auditor',
                'administrator',
                'village_head',
                'integration_client',
                'data_protection_officer',
              ].includes(role);
            const roleMayIssue = allowedCommands(state, actor).includes(type);
            // A lawful probe is sent with a stale If-Match: it passes authorisation, then fails the precondition,
            // so the probe itself never appends.
            const answer = await sendCommand({
              baseUrl: t.url,
              token: await t.tokenFor(actor),
              command: step.command,
              dossierId,
              etag: inJurisdiction && roleMayIssue ? '"9999"' : etag,
            });
            probes += 1;
            // Who may not even read the dossier is told it does not exist; a reader who may not act, 403.
            const expected = !can(actor, 'read', state.scope)
              ? { status: 404, code: 'DOSSIER_NOT_FOUND' }
              : !inJurisdiction
                ? { status: 403, code: 'OUT_OF_JURISDICTION' }
                : roleMayIssue
                  ? { status: 412, code: 'REVISION_MISMATCH' }
                  : { status: 403, code: 'ROLE_NOT_ALLOWED' };
            expect({ type, role, where, status: answer.status, code: answer.body['code'] }).toEqual({
              type,
              role,
              where,
              ...expected,
            });
            if (roleMayIssue && inJurisdiction) lawfulProbes += 1;
          }
        }
      }
      const answer = await sendCommand({
        baseUrl: t.url,
        token: await t.tokenFor(step.ctx.actor),
        command: step.command,
        dossierId,
        etag,
      });
      expect(answer.status, `${type}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
      dossierId = answer.body['dossierId'] as string;
      etag = answer.etag!;
    }
    expect(probed.size).toBeGreaterThanOrEqual(15);
    expect(probes).toBe(probed.size * ROLES.length * 2);
    expect(lawfulProbes).toBeGreaterThanOrEqual(probed.size);
  });
});

describe('jurisdiction on opening and reading', () => {
  freshServer();

  it('refuses to open a dossier outside the opener’s commune, and appends nothing', async () => {
    const open = communeJourney('ntm', 1).steps[0]!;
    t.clock.set(new Date(open.ctx.now));
    const before = await t.countEvents();
    const stranger: DomainActor = { id: 'cb-other', role: 'commune_official', unit: '02035' };
    const answer = await sendCommand({
      baseUrl: t.url,
      token: await t.tokenFor(stranger),
      command: open.command,
    });
    expect(answer.status).toBe(403);
    expect(answer.body['code']).toBe('OUT_OF_JURISDICTION');
    expect(await t.countEvents()).toBe(before);
  });

  it('answers 404 for a dossier or its history outside the jurisdiction, as for no dossier', async () => {
    const open = communeJourney('ntm', 1).steps[0]!;
    const opened = await sendCommand({
      baseUrl: t.url,
      token: await t.tokenFor(open.ctx.actor),
      command: open.command,
    });
    const id = opened.body['dossierId'] as string;
    for (const [path, actor, status] of [
      [`/dossiers/${id}`, { id: 'a', role: 'commune_official', unit: '02035' }, 404],
      [`/dossiers/${id}/history`, { id: 'b', role: 'auditor', unit: '19' }, 404],
      [`/dossiers/${id}/history`, { id: 'c', role: 'auditor', unit: '064' }, 200],
      [`/dossiers/${id}/verify`, { id: 'd', role: 'administrator', unit: '06' }, 404],
      [`/dossiers/${id}/history`, { id: 'f', role: 'commune_official', unit: '02032' }, 200],
      [`/dossiers`, { id: 'e', role: 'administrator', unit: '06' }, 403],
    ] as const) {
      const response = await fetch(`${t.url}${path}`, {
        headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
      });
      expect({ path, role: actor.role, status: response.status }).toEqual({ path, role: actor.role, status });
    }
  });
});

describe('reform cut-over: a 2022 dossier awaiting district verification on 01/07/2025', () => {
  freshServer();
  it('is read and verified by the Thái Nguyên appraiser, for the successor province only', async () => {
    const journey = communeJourney('ntm', 1);
    const verification = journey.steps.findIndex((s) => s.command.type === 'RecordVerification');
    let dossierId: string | undefined;
    let etag: string | undefined;
    for (const step of journey.steps.slice(0, verification)) {
      t.clock.set(new Date(step.ctx.now));
      const token = await t.tokenFor(step.ctx.actor);
      const answer = await sendCommand({ baseUrl: t.url, token, command: step.command, dossierId, etag });
      expect(answer.status, step.command.type).toBeLessThan(300);
      dossierId = answer.body['dossierId'] as string;
      etag = answer.etag!;
    }
    t.clock.set(new Date('2025-07-02T02:00:00Z'));
    const command = journey.steps[verification]!.command;
    const as = async (unit: string) =>
      t.tokenFor({ id: `snnmt-${unit}`, role: 'provincial_appraiser', unit });
    const view = await fetch(`${t.url}/dossiers/${dossierId}`, {
      headers: { authorization: `Bearer ${await as(THAI_NGUYEN)}` },
    });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { allowedCommands: string[] }).allowedCommands).toContain(
      'RecordVerification',
    );
    // The dossier list agrees with the reads by id: the successor province sees it (its appraiser as the
    // verifier's successor, its council as the merged province's), another province does not.
    const listed = async (role: Role, unit: string) => {
      const token = await t.tokenFor({ id: `list-${role}-${unit}`, role, unit });
      const response = await fetch(`${t.url}/dossiers`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { dossierId: string }[] }).items.map((i) => i.dossierId);
    };
    expect(await listed('provincial_appraiser', THAI_NGUYEN)).toContain(dossierId);
    expect(await listed('provincial_appraiser', '20')).not.toContain(dossierId);
    expect(await listed('council_member', THAI_NGUYEN)).toContain(dossierId);
    expect(await listed('council_member', '20')).not.toContain(dossierId);
    expect(await listed('provincial_chairman', '06')).toContain(dossierId);
    // And so does the inbox: the step waits for the Thái Nguyên appraiser, in Thái Nguyên.
    const inbox = await fetch(`${t.url}/read/inbox?role=provincial_appraiser`, {
      headers: { authorization: `Bearer ${await as(THAI_NGUYEN)}` },
    });
    expect(inbox.status).toBe(200);
    const waiting = ((await inbox.json()) as { items: { stream_id: string; unit_code: string }[] }).items;
    expect(waiting).toContainEqual(
      expect.objectContaining({ stream_id: dossierStreamId(dossierId!), unit_code: THAI_NGUYEN }),
    );
    const former = await sendCommand({ baseUrl: t.url, token: await as('06'), command, dossierId, etag });
    expect([former.status, former.body['code']]).toEqual([403, 'SUCCESSOR_JURISDICTION']);
    const other = await sendCommand({ baseUrl: t.url, token: await as('20'), command, dossierId, etag });
    expect([other.status, other.body['code']]).toEqual([404, 'DOSSIER_NOT_FOUND']);
    const lawful = await sendCommand({
      baseUrl: t.url,
      token: await as(THAI_NGUYEN),
      command,
      dossierId,
      etag,
    });
    expect(lawful.status).toBe(200);
    const events = await t.store.readStream(dossierStreamId(dossierId!));
    expect(events.find((e) => e.type === 'VerificationRecorded')?.data).toMatchObject({
      succession: { replaces: 'district_verifier', role: 'provincial_appraiser', unitCode: THAI_NGUYEN },
    });

    // The rest of the procedure belongs to Thái Nguyên, which Bắc Kạn merged into: its appraiser, council and
    // chairman take the province's steps, and another province (20) is refused at every one of them.
    etag = lawful.etag!;
    // The district's announcement goes to the commune Tân Lập merged into (succession of district_chairman).
    const asThaiNguyen = (actor: DomainActor): DomainActor =>
      actor.role === 'district_verifier'
        ? { id: actor.id, role: 'provincial_appraiser', unit: THAI_NGUYEN }
        : actor.role === 'district_chairman'
          ? { id: actor.id, role: 'commune_chairman', unit: QUANG_BACH }
          : actor.unit === '06'
            ? { ...actor, unit: THAI_NGUYEN }
            : actor;
    for (const step of journey.steps.slice(verification + 1)) {
      const thaiNguyen = asThaiNguyen(step.ctx.actor);
      if (thaiNguyen.unit === THAI_NGUYEN) {
        const stranger = await sendCommand({
          baseUrl: t.url,
          token: await t.tokenFor({ ...thaiNguyen, id: `${thaiNguyen.id}-20`, unit: '20' }),
          command: step.command,
          dossierId,
          etag,
        });
        expect([step.command.type, stranger.status]).toEqual([step.command.type, 404]);
      }
      const answer = await sendCommand({
        baseUrl: t.url,
        token: await t.tokenFor(thaiNguyen),
        command: step.command,
        dossierId,
        etag,
      });
      expect([step.command.type, answer.status]).toEqual([step.command.type, 200]);
      etag = answer.etag!;
    }
    const final = await fetch(`${t.url}/dossiers/${dossierId}`, {
      headers: {
        authorization: `Bearer ${await t.tokenFor({ id: 'kt-19', role: 'auditor', unit: THAI_NGUYEN })}`,
      },
    });
    expect(((await final.json()) as { state: { step: string } }).state.step).toBe('announced');
    // Each step Thái Nguyên took over says so in its event, for the auditors.
    const history = await t.store.readStream(dossierStreamId(dossierId!));
    expect(history.find((e) => e.type === 'AppraisalRecorded')?.data).toMatchObject({
      succession: { replacesUnit: '06', role: 'provincial_appraiser', unitCode: THAI_NGUYEN },
    });
    expect(history.find((e) => e.type === 'RecognitionAnnounced')?.data).toMatchObject({
      succession: { replaces: 'district_chairman', role: 'commune_chairman', unitCode: QUANG_BACH },
    });
  });
});

describe('tokens that never authenticate', () => {
  freshServer();
  const official: DomainActor = { id: 'cb-tanlap-1', role: 'commune_official', unit: TAN_LAP };
  const exp = () => Math.floor(t.clock.now().getTime() / 1000) + 600;

  it('answers 401 UNAUTHENTICATED for expired, forged, alg none, wrong-audience, missing and malformed tokens', async () => {
    const open = communeJourney('ntm', 1).steps[0]!;
    t.clock.set(new Date(open.ctx.now));
    const expired = await t.tokenFor(official, { ttlSeconds: -60 });
    const wrongAudience = await t.tokenFor(official, { audience: 'another-api' });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = await signLocalToken({
      privateKey: other.privateKey,
      actor: official,
      now: t.clock.now(),
    });
    const none = new UnsecuredJWT({ role: 'commune_official', unit: TAN_LAP })
      .setSubject('cb-tanlap-1')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime(exp())
      .encode();
    const hmac = await new SignJWT({ role: 'commune_official', unit: TAN_LAP })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('cb-tanlap-1')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime(exp())
      .sign(new TextEncoder().encode('a shared secret nobody configured'));
    const before = await t.countEvents();
    for (const [name, authorization] of [
      ['expired', `Bearer ${expired}`],
      ['wrong audience', `Bearer ${wrongAudience}`],
      ['forged', `Bearer ${forged}`],
      ['alg none', `Bearer ${none}`],
      ['HS256', `Bearer ${hmac}`],
      ['missing', undefined],
      ['malformed', 'Bearer not a token'],
      ['basic', 'Basic dXNlcjpwYXNz'],
    ] as const) {
      const { type: _type, dossierId: _id, ...body } = open.command;
      const response = await fetch(`${t.url}/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
      const problem = (await response.json()) as { code: string };
      expect({ name, status: response.status, code: problem.code }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    expect(await t.countEvents()).toBe(before);
  });
});
