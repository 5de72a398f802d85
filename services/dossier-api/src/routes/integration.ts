/**
 * The status feed a provincial LGSP connector polls (`GET /integration/status-feed`, docs/integration.md): every
 * change of a dossier's one-stop status code (`ONE_STOP_STATUS`, egov-conventions.md), in global log order, for
 * the province of the calling `integration_client`. Read straight from the log, not from a read model: the feed
 * never trails the log and needs no state of its own. `next` is the position of the last event looked at (shown
 * or not), so a client that passes it back as `after` sees every change exactly once, without gaps or duplicates.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { statusFeedProvince } from '@ntm/auth';
import { oneStopStatusOf } from '@ntm/domain';
import type { EventStore, RecordedEvent } from '@ntm/event-store';
import { problems } from '../problems.js';

const PREFIX = 'dossier-';
/** Most events one request looks at: a quiet province behind a busy log still gets an answer quickly. */
const SCAN_MAX = 5000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

const FeedQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .describe(
      'global log position to continue after (the `next` of the previous page); default 0, the start',
    ),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .describe(`changes per page, 1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT}`),
});

const Status = z.object({
  code: z.number().int().min(1).max(10),
  name: z.string(),
  confirmed: z.boolean().describe('whether a source confirms this step maps to this code'),
});

const FeedItem = z.object({
  position: z.string().describe('global log position of the event that changed the status'),
  dossierId: z.string(),
  dossierCode: z.string().nullable().describe('mã hồ sơ, once given (first submission)'),
  kind: z.string(),
  unitCode: z.string(),
  provinceCode: z.string(),
  step: z.string(),
  previousStep: z.string().nullable(),
  status: Status,
  previousStatus: Status.nullable(),
  eventType: z.string(),
  occurredAt: z.string(),
});

const FeedPage = z.object({
  items: z.array(FeedItem),
  next: z.string().describe('pass as `after` to continue'),
  atEnd: z.boolean().describe('true when the page reached the end of the log as it stood'),
});

/** What the feed needs of a dossier, from its opening event (immutable) and its first submission. */
interface StreamFacts {
  kind: string;
  unitCode: string;
  provinceCode: string;
  dossierCode?: string;
}

const scopeOf = (event: RecordedEvent): StreamFacts => {
  const data = event.data as { kind?: string; scope?: { unitCode?: string; provinceCode?: string } };
  return {
    kind: data.kind ?? '',
    unitCode: data.scope?.unitCode ?? '',
    provinceCode: data.scope?.provinceCode ?? '',
  };
};

/** Opening facts per stream (they never change), and the dossier code once seen; bounded. */
class FactsCache {
  private readonly facts = new Map<string, StreamFacts>();

  constructor(private readonly store: EventStore) {}

  async of(event: RecordedEvent): Promise<StreamFacts> {
    let facts = this.facts.get(event.streamId);
    if (!facts) {
      const opening =
        event.revision === 0n ? event : (await this.store.readStream(event.streamId, { maxCount: 1 }))[0];
      facts = opening ? scopeOf(opening) : { kind: '', unitCode: '', provinceCode: '' };
      if (this.facts.size >= 10_000) this.facts.clear();
      this.facts.set(event.streamId, facts);
    }
    const code = (event.data as { dossierCode?: unknown }).dossierCode;
    if (typeof code === 'string') facts.dossierCode = code;
    return facts;
  }

  /** The dossier code given at or before `event` (the stream is read once for a dossier seen mid-way). */
  async codeOf(event: RecordedEvent, facts: StreamFacts): Promise<string | null> {
    if (facts.dossierCode !== undefined) return facts.dossierCode;
    if (event.metadata.fromState === undefined || event.revision === 0n) return null;
    const before = await this.store.readStream(event.streamId, { maxCount: Number(event.revision) + 1 });
    for (const e of before) {
      const code = (e.data as { dossierCode?: unknown }).dossierCode;
      if (e.type === 'DossierSubmitted' && typeof code === 'string') facts.dossierCode = code;
    }
    return facts.dossierCode ?? null;
  }
}

const integrationRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const facts = new FactsCache(fastify.store);

  fastify.get(
    '/integration/status-feed',
    {
      schema: {
        tags: ['integration'],
        summary: "Status changes of the province's dossiers in one-stop codes, for an LGSP connector",
        description:
          'Thay đổi trạng thái hồ sơ theo mã trạng thái một cửa (1-10), theo thứ tự nhật ký; chỉ cho tài khoản ' +
          '`integration_client` của tỉnh. Format: docs/integration.md.',
        security: [{ bearer: [] }],
        querystring: FeedQuery,
        response: { 200: FeedPage },
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const province = statusFeedProvince(principal.actor);
      if (province === undefined) {
        request.log.info({ actorId: principal.actor.id, reason: 'NOT_INTEGRATION_CLIENT' }, 'access denied');
        throw problems.statusFeedForbidden();
      }
      const limit = Number(request.query.limit ?? DEFAULT_LIMIT);
      if (limit < 1 || limit > MAX_LIMIT)
        throw problems.badRequest(
          'LIMIT_OUT_OF_RANGE',
          `limit must be 1 to ${MAX_LIMIT}`,
          `limit phải từ 1 đến ${MAX_LIMIT}`,
        );
      let cursor = BigInt(request.query.after ?? '0');
      const items: z.infer<typeof FeedItem>[] = [];
      let scanned = 0;
      let atEnd = false;
      while (items.length < limit && scanned < SCAN_MAX && !atEnd) {
        const page = await fastify.store.readAll({
          after: cursor,
          limit: Math.min(1000, SCAN_MAX - scanned),
        });
        atEnd = page.isEnd || page.events.length === 0;
        for (const event of page.events) {
          cursor = event.position;
          scanned += 1;
          const item = await itemOf(event, province);
          if (item) items.push(item);
          if (items.length === limit) {
            // The page stopped inside what was read: the log may go on.
            atEnd = atEnd && event === page.events.at(-1);
            break;
          }
        }
      }
      return { items, next: String(cursor), atEnd };
    },
  );

  /** The feed item an event makes: only a dossier event that changes the one-stop code, in the province. */
  async function itemOf(event: RecordedEvent, province: string): Promise<z.infer<typeof FeedItem> | null> {
    if (!event.streamId.startsWith(PREFIX)) return null;
    const { toState } = event.metadata;
    if (toState === undefined) return null;
    const fromState = event.revision === 0n ? undefined : event.metadata.fromState;
    const status = oneStopStatusOf(toState);
    const previousStatus = fromState === undefined ? undefined : oneStopStatusOf(fromState);
    if (status === undefined || status.code === previousStatus?.code) return null;
    const stream = await facts.of(event);
    if (stream.provinceCode !== province) return null;
    return {
      position: String(event.position),
      dossierId: event.streamId.slice(PREFIX.length),
      dossierCode: await facts.codeOf(event, stream),
      kind: stream.kind,
      unitCode: stream.unitCode,
      provinceCode: stream.provinceCode,
      step: toState,
      previousStep: fromState ?? null,
      status,
      previousStatus: previousStatus ?? null,
      eventType: event.type,
      occurredAt: event.metadata.occurredAt,
    };
  }

  done();
};

export default integrationRoutes;
