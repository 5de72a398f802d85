/**
 * Thông báo — the notification outbox, derived from the log (ADR 0024). A catch-up turns each event it applies
 * into notification rows (`notificationsOf`, pure) and inserts them in the same statement as the stream's
 * checkpoint (`writeStreams`), so each event yields its notifications exactly once, and deriving them again (a
 * retried or concurrent catch-up) produces the same ids, which the insert ignores.
 *
 * A notification is addressed to a role in a unit (an inbox), never to a person: the log holds no personal data and
 * the rows depend on the events only. People are found at delivery time: in-app, every user whose token holds that
 * role and unit; by email, the erasable recipient directory (`notification_recipients`). What each user has read
 * and which mails went out are kept beside it (`notification_reads`, `notification_deliveries`).
 *
 * These tables are not rebuilt: a rebuild carries them over (notifications are side effects that already
 * happened; re-deriving them from history would send every mail again).
 */
import { vietnamDate } from '@ntm/domain';
import type { AppendedEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import type { DossierView } from './dossierView.js';
import { actingUnitOf, deadlineActor, deadlineHoldersOn, nextActors, type NextActor } from './nextActor.js';
import { DEFAULT_SCHEMA, q } from './projection.js';

export type NotificationKind = 'waiting' | 'overdue' | 'escalation' | 'reminder';

/** What a template needs; no personal data (codes, steps, dates). */
export interface NotificationParams {
  dossierId: string;
  dossierCode: string | null;
  dossierKind: string;
  unitCode: string;
  step: string;
  deadlineId?: string;
  dueOn?: string;
  /** escalation: the role and unit whose deadline elapsed */
  overdueRole?: string;
  overdueUnit?: string;
  /** reminder: working days before the due day */
  days?: number;
}

/** One row of the outbox: one notification to one inbox (role at unit). */
export interface NotificationRow {
  /** deterministic: the event (stream@revision) or the deadline, the kind and the inbox */
  id: string;
  stream_id: string;
  revision: string;
  kind: NotificationKind;
  role: string;
  unit_code: string;
  params: NotificationParams;
  /** the event's occurredAt (or the reminder's instant): never the projector's clock */
  created_at: string;
}

/**
 * Cấp trên — whom an overdue deadline is escalated to: the supervising role of the role that holds the deadline,
 * at the level of that supervising role's unit. Usual administrative hierarchy (People's Committee chairmen over
 * their offices), not a quoted legal text: data a province may change, hence `confirmed: false`.
 */
export const SUPERVISORS = {
  confirmed: false,
  basis:
    'usual administrative hierarchy (Chủ tịch UBND over the offices of the same level); no legal text read',
  roles: {
    village_head: 'commune_chairman',
    commune_official: 'commune_chairman',
    front_officer: 'commune_chairman',
    commune_chairman: 'provincial_chairman',
    district_verifier: 'district_chairman',
    district_chairman: 'provincial_chairman',
    provincial_appraiser: 'provincial_chairman',
    council_secretary: 'provincial_chairman',
    council_member: 'provincial_chairman',
  } as Readonly<Record<string, string>>,
} as const;

/** The supervisor of `actor` on this dossier, or null at the top of the hierarchy. */
export function supervisorOf(view: DossierView, actor: NextActor): NextActor | null {
  const role = Object.hasOwn(SUPERVISORS.roles, actor.role) ? SUPERVISORS.roles[actor.role] : undefined;
  return role === undefined ? null : { role, unitCode: actingUnitOf(view, role) };
}

/** The inboxes that hold the dossier on `day`: the active entries of the machine's next actors. */
export function inboxesOn(view: DossierView, day: string): NextActor[] {
  return nextActors(view)
    .filter((e) => (e.from === null || e.from <= day) && (e.until === null || day <= e.until))
    .map((e) => ({ role: e.role, unitCode: e.unitCode }));
}

function paramsOf(view: DossierView): NotificationParams {
  return {
    dossierId: view.streamId.replace(/^dossier-/, ''),
    dossierCode: view.dossierCode ?? null,
    dossierKind: view.kind,
    unitCode: view.unitCode,
    step: view.step,
  };
}

function row(
  id: string,
  view: DossierView,
  kind: NotificationKind,
  to: NextActor,
  params: NotificationParams,
  createdAt: string,
): NotificationRow {
  return {
    id: `${id}:${kind}:${to.role}:${to.unitCode}`,
    stream_id: view.streamId,
    revision: view.revision,
    kind,
    role: to.role,
    unit_code: to.unitCode,
    params,
    created_at: createdAt,
  };
}

/**
 * The notifications one event causes, from the views before and after it (pure):
 * - the dossier moved to another step: `waiting` to every inbox that now holds it (but the actor's own);
 * - a deadline elapsed: `overdue` to the inboxes it binds (`deadlineHoldersOn`: the reviewing office, not the
 *   commune side) and `escalation` to the supervisor of the role the deadline binds (`SUPERVISORS`).
 */
export function notificationsOf(
  before: DossierView | undefined,
  event: AppendedEvent,
  after: DossierView,
): NotificationRow[] {
  if (!after.isDossier) return [];
  const at = event.metadata.occurredAt;
  const day = vietnamDate(at);
  const source = `${event.streamId}@${event.revision}`;
  const params = paramsOf(after);
  const rows: NotificationRow[] = [];
  // Nobody is told about their own act: the inbox of the one who acted is not notified that it holds the dossier.
  const { actor } = event.metadata;
  const others = (to: NextActor) => !(to.role === actor.role && to.unitCode === actor.unit);
  if (before === undefined || before.step !== after.step) {
    for (const to of inboxesOn(after, day).filter(others))
      rows.push(row(source, after, 'waiting', to, params, at));
  }
  if (event.type === 'DeadlineElapsed') {
    const data = event.data as { deadlineId: string; dueOn: string };
    const deadline = { ...params, deadlineId: data.deadlineId, dueOn: data.dueOn };
    for (const to of deadlineHoldersOn(after, day))
      rows.push(row(source, after, 'overdue', to, deadline, at));
    const bound = deadlineActor(after);
    const supervisor = bound && supervisorOf(after, bound);
    if (bound && supervisor) {
      rows.push(
        row(
          source,
          after,
          'escalation',
          supervisor,
          { ...deadline, overdueRole: bound.role, overdueUnit: bound.unitCode },
          at,
        ),
      );
    }
  }
  return rows;
}

/**
 * Reminder rows for one open deadline (`days` working days before it is due), to the inboxes it binds (the
 * reviewing office, not the commune side that may only withdraw meanwhile).
 */
export function reminderRows(
  view: DossierView,
  deadline: { deadlineId: string; dueOn: string },
  days: number,
  at: string,
): NotificationRow[] {
  const params = { ...paramsOf(view), deadlineId: deadline.deadlineId, dueOn: deadline.dueOn, days };
  const source = `${view.streamId}#${deadline.deadlineId}:${days}`;
  return deadlineHoldersOn(view, vietnamDate(at)).map((to) => row(source, view, 'reminder', to, params, at));
}

/** Inserts notification rows; a row whose id exists is left as it is (a repeated derivation). Returns the new ids. */
export async function insertNotifications(
  sql: SqlClient,
  rows: readonly NotificationRow[],
  schema = DEFAULT_SCHEMA,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await sql.query<{ id: string }>(
    `INSERT INTO ${q(schema)}.notifications
       SELECT * FROM jsonb_populate_recordset(NULL::${q(schema)}.notifications, $1::jsonb)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [JSON.stringify(rows)],
  );
  return result.rows.map((r) => r.id);
}

/** 0005: the outbox, what each user has read, the mails sent, and the erasable recipient directory. */
export function notificationsDdl(schema: string): string[] {
  const s = q(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.notifications (
       id text PRIMARY KEY, stream_id text NOT NULL, revision text NOT NULL, kind text NOT NULL,
       role text NOT NULL, unit_code text NOT NULL, params jsonb NOT NULL, created_at text NOT NULL,
       email_done_at text, email_next_at text)`,
    `CREATE INDEX IF NOT EXISTS notifications_inbox ON ${s}.notifications (role, unit_code, created_at)`,
    `CREATE INDEX IF NOT EXISTS notifications_pending ON ${s}.notifications (created_at) WHERE email_done_at IS NULL`,
    `CREATE TABLE IF NOT EXISTS ${s}.notification_reads (
       user_id text NOT NULL, notification_id text NOT NULL, read_at text NOT NULL,
       PRIMARY KEY (user_id, notification_id))`,
    `CREATE TABLE IF NOT EXISTS ${s}.notification_deliveries (
       notification_id text NOT NULL, user_id text NOT NULL, state text NOT NULL, attempts int NOT NULL DEFAULT 0,
       claimed_until text, last_error text, sent_at text, PRIMARY KEY (notification_id, user_id))`,
    `CREATE TABLE IF NOT EXISTS ${s}.notification_recipients (
       user_id text PRIMARY KEY, role text NOT NULL, unit_code text NOT NULL, email text NOT NULL,
       locale text NOT NULL, updated_at text NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS notification_recipients_inbox ON ${s}.notification_recipients (role, unit_code)`,
  ];
}

export const notificationMigrations = (schema: string) => [
  { id: '0005-notifications', up: notificationsDdl(schema).join(';\n') },
];

/** Tables a rebuild carries over instead of deriving them again (see the module comment). */
export const NOTIFICATION_TABLES = [
  'notifications',
  'notification_reads',
  'notification_deliveries',
  'notification_recipients',
] as const;

/** Who reads in-app notifications: the user and the inbox their token speaks for. */
export interface NotificationReader {
  userId: string;
  role: string;
  unitCode: string;
}

export interface InAppNotification extends NotificationRow {
  read: boolean;
}

/**
 * The notifications addressed to the reader's inbox, newest first, with the reader's own read marks; `unread`
 * counts the unread ones whatever the page. Nobody sees another inbox's rows or another user's marks.
 */
export async function queryNotifications(
  sql: SqlClient,
  reader: NotificationReader,
  options: { unreadOnly?: boolean; limit?: number; offset?: number } = {},
  schema = DEFAULT_SCHEMA,
): Promise<{ items: InAppNotification[]; total: number; unread: number; limit: number; offset: number }> {
  const s = q(schema);
  const limit = options.limit ?? 50;
  const offset = options.offset ?? 0;
  const base = `FROM ${s}.notifications n
     LEFT JOIN ${s}.notification_reads r ON r.notification_id = n.id AND r.user_id = $1
     WHERE n.role = $2 AND n.unit_code = $3`;
  const args = [reader.userId, reader.role, reader.unitCode];
  const only = options.unreadOnly ? ' AND r.notification_id IS NULL' : '';
  const [items, counts] = await Promise.all([
    sql.query<NotificationRow & { read: boolean; email_done_at: unknown; email_next_at: unknown }>(
      `SELECT n.*, r.notification_id IS NOT NULL AS read ${base}${only}
        ORDER BY n.created_at DESC, n.id LIMIT ${limit} OFFSET ${offset}`,
      args,
    ),
    sql.query<{ total: number; unread: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE r.notification_id IS NULL)::int AS unread ${base}`,
      args,
    ),
  ]);
  const total = options.unreadOnly ? counts.rows[0]!.unread : counts.rows[0]!.total;
  return {
    items: items.rows.map(({ email_done_at: _, email_next_at: __, ...n }) => n),
    total,
    unread: counts.rows[0]!.unread,
    limit,
    offset,
  };
}

/**
 * Marks notifications read for the reader (all of their inbox's when `ids` is absent). Only notifications of the
 * reader's inbox can be marked; returns the ids marked (an id of another inbox is not among them).
 */
export async function markNotificationsRead(
  sql: SqlClient,
  reader: NotificationReader,
  ids: readonly string[] | undefined,
  at: string,
  schema = DEFAULT_SCHEMA,
): Promise<string[]> {
  const s = q(schema);
  const result = await sql.query<{ id: string }>(
    `WITH mine AS (SELECT id FROM ${s}.notifications
                    WHERE role = $2 AND unit_code = $3 AND ($4::text[] IS NULL OR id = ANY($4::text[]))),
          marked AS (INSERT INTO ${s}.notification_reads (user_id, notification_id, read_at)
                       SELECT $1, id, $5 FROM mine ON CONFLICT DO NOTHING)
     SELECT id FROM mine`,
    [reader.userId, reader.role, reader.unitCode, ids === undefined ? null : [...ids], at],
  );
  return result.rows.map((r) => r.id);
}
