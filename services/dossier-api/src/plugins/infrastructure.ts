/**
 * Infrastructure reached by the routes only through these typed decorators: the event store, the clock, the
 * idempotency table, the domain's reference data, and the hook that tells in-process projections about appends.
 */
import type { OpenedSigner } from '@ntm/signing';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { EventStore } from '@ntm/event-store';
import { shareLookups, type AppendedNotice } from '@ntm/application';
import type { AuditSigner } from '@ntm/audit';
import { nationalUnits, type DecisionContext, type Tier, type UnitRegistry } from '@ntm/domain';
import { code, migrateReadModels, queryHighestHeld, queryRecognitionsOn } from '@ntm/projections';
import type { Clock } from '../clock.js';
import type { SqlClient } from '@ntm/sql';
import { IdempotencyStore } from '../idempotency.js';
import { CouncilReasonStore } from '../councilReasons.js';
import { ComplaintDetailStore } from '../complaintDetails.js';
import { DossierCache } from '../dossier.js';
import type { BlobStore } from '@ntm/blob-store';
import { DocumentFileTables } from '../documentFileTables.js';
import { openAuditLog, type AuditLog, type CheckpointSchedule } from '../auditLog.js';
import { CalendarCheck } from '../calendarCheck.js';

/** Size limits of uploads (runtime configuration). */
export interface DocumentLimits {
  maxFileBytes: number;
  maxDossierBytes: number;
}

/** Defaults when the caller sets none: 50 MiB a file, 500 MiB a dossier (as the runtime configuration's). */
export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxDossierBytes: 500 * 1024 * 1024,
};

/** What was just appended (the command handler's notice, its events included). */
export type { AppendedNotice };

export interface InfrastructureOptions {
  store: EventStore;
  /** signs decisions (ADR 0017, 0028); absent or SIGNER=none: nothing is signed */
  documentSigner?: OpenedSigner | undefined;
  sql: SqlClient;
  /** SQL schema holding the idempotency table */
  sqlSchema: string;
  /** SQL schema of the projections' read models (same database as `sql`) */
  readModelSchema: string;
  clock: Clock;
  /** reference data the decider needs (unit registry, recognitions); the units default to Bắc Kạn's */
  domainContext?: Omit<DecisionContext, 'now' | 'actor' | 'onBehalfOf'>;
  /** signs audit bundles and publishes its keys; without it the audit-bundle route answers 503 */
  auditSigner?: AuditSigner;
  /** when automatic checkpoints are due (AUDIT_CHECKPOINT_*); default `DEFAULT_CHECKPOINT_SCHEDULE` */
  auditCheckpointSchedule?: CheckpointSchedule | undefined;
  /** called after each successful append (embedded mode: run the projections in-process) */
  onAppended?: (notice: AppendedNotice) => void | Promise<void>;
  /** documents' bytes; without it the file routes answer 503 */
  blobs?: BlobStore | undefined;
  documentLimits?: DocumentLimits | undefined;
  /** warn this many days before the working-day calendar data ends (`CALENDAR_WARN_DAYS`); default 60 */
  calendarWarnDays?: number | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: EventStore;
    clock: Clock;
    idempotency: IdempotencyStore;
    /** erasable texts of council members' reasons (ADR 0022) */
    councilReasons: CouncilReasonStore;
    /** erasable complaint details: who complains and why (ADR 0026) */
    complaintDetails: ComplaintDetailStore;
    /** folded states of recently used dossiers, brought up to date from the store on each use */
    dossiers: DossierCache;
    domainContext: Omit<DecisionContext, 'now' | 'actor' | 'onBehalfOf'> & { units: UnitRegistry };
    /** the projections' read models */
    readModels: { sql: SqlClient; schema: string };
    /** The unit's highest current recognition, from the recognition read model (null when none). */
    unitRecognition(unitCode: string): Promise<{ tier: Tier; decisionNo: string } | null>;
    /** what each unit held on a day (absent: no decision on record); for merged communes' predecessors */
    recognitionsOn(
      unitCodes: readonly string[],
      onDate: string,
    ): Promise<Map<string, { tier: Tier; decisionNo: string } | null>>;
    notifyAppended(notice: AppendedNotice): Promise<void>;
    /** the documents' blob store, when configured */
    blobs: BlobStore | undefined;
    documentLimits: DocumentLimits;
    /** file names and the download trail */
    documentFiles: DocumentFileTables;
    auditSigner: AuditSigner | undefined;
    /** the decisions' signer and its trust anchors, when configured */
    documentSigner: OpenedSigner | undefined;
    /** signed checkpoints and the continuous verifier (with an audit signer) */
    auditLog: AuditLog | undefined;
    /** how far the working-day calendar's data reaches: the operator alarm before a year runs out */
    calendar: CalendarCheck;
  }
}

export default fp(
  async function infrastructure(fastify: FastifyInstance, opts: InfrastructureOptions) {
    const idempotency = new IdempotencyStore(opts.sql, opts.sqlSchema);
    await idempotency.init();
    const documentFiles = new DocumentFileTables(opts.sql, opts.sqlSchema);
    await documentFiles.init();
    fastify.decorate('blobs', opts.blobs);
    fastify.decorate('documentSigner', opts.documentSigner);
    fastify.decorate('documentLimits', opts.documentLimits ?? DEFAULT_DOCUMENT_LIMITS);
    fastify.decorate('documentFiles', documentFiles);
    const councilReasons = new CouncilReasonStore(opts.sql, opts.sqlSchema);
    await councilReasons.init();
    const complaintDetails = new ComplaintDetailStore(opts.sql, opts.sqlSchema);
    await complaintDetails.init();
    // The API queries the read models (lists, unit recognition) even when a separate projector fills them.
    await migrateReadModels(opts.sql, opts.readModelSchema);
    fastify.decorate('store', opts.store);
    fastify.decorate('clock', opts.clock);
    fastify.decorate('auditSigner', opts.auditSigner);
    fastify.decorate(
      'auditLog',
      opts.auditSigner
        ? await openAuditLog({
            store: opts.store,
            sql: opts.sql,
            schema: opts.sqlSchema,
            signer: opts.auditSigner,
            clock: opts.clock,
            log: fastify.log,
            schedule: opts.auditCheckpointSchedule,
          })
        : undefined,
    );
    fastify.decorate('idempotency', idempotency);
    fastify.decorate('councilReasons', councilReasons);
    fastify.decorate('complaintDetails', complaintDetails);
    fastify.decorate('dossiers', new DossierCache());
    // One registry for the process's life: the decider, the opening scope and the policy all read the same one.
    fastify.decorate('domainContext', {
      ...opts.domainContext,
      units: opts.domainContext?.units ?? nationalUnits(),
    });
    fastify.decorate(
      'calendar',
      new CalendarCheck(opts.clock, opts.calendarWarnDays, opts.domainContext?.holidays),
    );
    fastify.decorate('readModels', { sql: opts.sql, schema: opts.readModelSchema });
    // Asked by every opening, one query each went one pool connection and round trip each while a round of openings
    // held the clients' connections: the openings asked meanwhile now share the next query (ADR 0060). The ladder:
    // model implies advanced implies NTM, so the highest current tier is what the unit holds.
    const highestHeld = shareLookups((unitCodes) =>
      queryHighestHeld(opts.sql, unitCodes, opts.readModelSchema),
    );
    fastify.decorate('unitRecognition', async (unitCode: string) => {
      // A malformed code fails its own opening, not the others of its query.
      code(unitCode);
      return (await highestHeld(unitCode)) as { tier: Tier; decisionNo: string } | null;
    });
    fastify.decorate(
      'recognitionsOn',
      async (unitCodes: readonly string[], onDate: string) =>
        (await queryRecognitionsOn(opts.sql, unitCodes, onDate, opts.readModelSchema)) as Map<
          string,
          { tier: Tier; decisionNo: string } | null
        >,
    );
    fastify.decorate('notifyAppended', async (notice: AppendedNotice) => {
      if (!opts.onAppended) return;
      try {
        await opts.onAppended(notice);
      } catch (error) {
        // The events are committed; a projection that failed catches up from the log later.
        fastify.log.error({ err: error, streamId: notice.streamId }, 'onAppended hook failed');
      }
    });
  },
  { name: 'infrastructure' },
);
