/**
 * The per-stream fold behind every read model. Projections do not replay the aggregate: they read what the
 * envelope guarantees (step before/after, actor, workflow pin, occurredAt) and the few event payloads that carry
 * read-model facts (opening scope, criteria, decisions, deadlines). The view is plain JSON so it is kept beside the
 * stream's checkpoint and the next wake-up folds only the new events.
 */
import type { Json, RecordedEvent } from '@ntm/event-store';
import { ProjectionError } from './errors.js';

export type Tier = 'ntm' | 'advanced' | 'model';

/** One recognition fact about a unit: recognised, refused or revoked by a decision. */
export interface RecognitionFact {
  revision: string;
  unitCode: string;
  tier: Tier;
  outcome: 'recognised' | 'refused' | 'revoked';
  decisionNo: string | null;
  /** date of the decision (ISO date), or occurredAt when the event carries none */
  decidedOn: string;
  year: number;
}

/** Hạn xử lý — a processing deadline scheduled by the workflow. */
export interface DeadlineFact {
  deadlineId: string;
  step: string;
  dueAt: string;
  scheduledAt: string;
  /** open until the dossier leaves the step (met) or the deadline elapses */
  state: 'open' | 'met' | 'elapsed';
}

export interface DossierView {
  streamId: string;
  /** false for streams that are not dossiers: they are checkpointed and otherwise ignored */
  isDossier: boolean;
  kind: string;
  tier: Tier | null;
  unitCode: string;
  communeCode: string;
  districtCode: string | null;
  provinceCode: string;
  year: number | null;
  workflowId: string | null;
  workflowVersion: number | null;
  step: string;
  /** when the dossier entered its current step */
  stepSince: string;
  revision: string;
  openedAt: string;
  updatedAt: string;
  /** latest met / not met per criterion code, whoever recorded it last (commune, verifier, appraiser) */
  criteria: Record<string, boolean>;
  recognitions: RecognitionFact[];
  deadlines: DeadlineFact[];
}

const TIER_OF_KIND: Record<string, Tier> = {
  VILLAGE_NTM: 'ntm',
  COMMUNE_NTM: 'ntm',
  COMMUNE_ADVANCED: 'advanced',
  COMMUNE_MODEL: 'model',
};

type Data = RecordedEvent['data'];

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: Json | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : undefined;
const obj = (v: Json | undefined): Data | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;

function poison(event: RecordedEvent, why: string): ProjectionError {
  return new ProjectionError('POISON_EVENT', `${event.streamId}@${event.revision} ${event.type}: ${why}`, {
    streamId: event.streamId,
    revision: String(event.revision),
    eventType: event.type,
  });
}

/** Streams the engine writes dossiers to; others (e.g. reference data) are checkpointed and skipped. */
export const isDossierStream = (streamId: string): boolean => streamId.startsWith('dossier-');

function open(event: RecordedEvent): DossierView {
  const data = event.data;
  const scope = obj(data.scope) ?? data;
  const kind = str(data.kind);
  const unitCode = str(scope.unitCode) ?? str(data.villageId) ?? str(scope.communeCode);
  const communeCode = str(scope.communeCode) ?? unitCode;
  const provinceCode = str(scope.provinceCode);
  if (
    kind === undefined ||
    unitCode === undefined ||
    communeCode === undefined ||
    provinceCode === undefined
  ) {
    throw poison(event, 'the opening event must carry kind and scope (unitCode, communeCode, provinceCode)');
  }
  const year = num(data.year) ?? num(data.planYear) ?? Number(event.metadata.occurredAt.slice(0, 4));
  const targetTier = str(data.targetTier) ?? str(obj(data.target)?.tier);
  return {
    streamId: event.streamId,
    isDossier: true,
    kind,
    tier: TIER_OF_KIND[kind] ?? (targetTier as Tier | undefined) ?? null,
    unitCode,
    communeCode,
    districtCode: str(scope.districtCode) ?? null,
    provinceCode,
    year,
    workflowId: event.metadata.workflow?.id ?? null,
    workflowVersion: event.metadata.workflow?.version ?? null,
    step: event.metadata.toState ?? 'opened',
    stepSince: event.metadata.occurredAt,
    revision: String(event.revision),
    openedAt: event.metadata.occurredAt,
    updatedAt: event.metadata.occurredAt,
    criteria: {},
    recognitions: [],
    deadlines: [],
  };
}

/** Criteria verdicts come one per event (`criterion`, `met`) or as a table (`criteria: [{ criterion, met }]`). */
function recordCriteria(view: DossierView, data: Data): void {
  const rows = Array.isArray(data.criteria) ? data.criteria : [data];
  for (const row of rows) {
    const r = obj(row);
    const code = r && (str(r.criterion) ?? str(r.code) ?? str(r.criterionCode));
    if (r && code !== undefined && typeof r.met === 'boolean') view.criteria[code] = r.met;
  }
}

function decide(view: DossierView, event: RecordedEvent, revoked: boolean): void {
  const data = event.data;
  const outcomeText = str(data.outcome) ?? str(data.decision);
  const recognised = revoked
    ? false
    : data.recognised === true || outcomeText === 'recognise' || outcomeText === 'recognised';
  const tier = (str(data.tier) as Tier | undefined) ?? view.tier;
  if (tier === null || !['ntm', 'advanced', 'model'].includes(tier)) {
    throw poison(event, 'a decision needs the tier it recognises or revokes');
  }
  const decidedOn =
    str(data.decisionDate) ?? str(data.date) ?? str(data.decidedOn) ?? event.metadata.occurredAt.slice(0, 10);
  view.recognitions.push({
    revision: String(event.revision),
    unitCode: str(data.unitCode) ?? str(obj(data.target)?.unitCode) ?? view.unitCode,
    tier,
    outcome: revoked ? 'revoked' : recognised ? 'recognised' : 'refused',
    decisionNo: str(data.decisionNo) ?? str(data.decisionNumber) ?? null,
    decidedOn,
    year: num(data.year) ?? Number(decidedOn.slice(0, 4)),
  });
}

/** Folds one event into the view. Pure; throws `POISON_EVENT` for events the read models cannot interpret. */
export function evolveView(view: DossierView | undefined, event: RecordedEvent): DossierView {
  if (!isDossierStream(event.streamId)) {
    return { ...(view ?? emptyView(event.streamId)), revision: String(event.revision) };
  }
  if (view === undefined) {
    if (event.revision !== 0n) throw poison(event, 'the stream has no opening event before this one');
    return open(event);
  }
  const next: DossierView = {
    ...view,
    criteria: { ...view.criteria },
    recognitions: [...view.recognitions],
    deadlines: view.deadlines.map((d) => ({ ...d })),
    revision: String(event.revision),
    updatedAt: event.metadata.occurredAt,
  };
  const type = event.type;
  if (
    type.endsWith('SelfAssessmentRecorded') ||
    type.endsWith('VerificationRecorded') ||
    type.endsWith('AppraisalRecorded')
  ) {
    recordCriteria(next, event.data);
  } else if (type === 'RecognitionDecided') {
    decide(next, event, false);
  } else if (type === 'RecognitionRevoked') {
    decide(next, event, true);
  } else if (type === 'DeadlineScheduled') {
    const dueAt = str(event.data.dueAt) ?? str(event.data.dueOn) ?? str(event.data.due);
    if (dueAt === undefined) throw poison(event, 'a deadline needs dueAt');
    next.deadlines.push({
      deadlineId: str(event.data.deadlineId) ?? str(event.data.id) ?? String(event.revision),
      step: str(event.data.step) ?? next.step,
      dueAt,
      scheduledAt: event.metadata.occurredAt,
      state: 'open',
    });
  } else if (type === 'DeadlineElapsed') {
    const id = str(event.data.deadlineId) ?? str(event.data.id);
    for (const d of next.deadlines)
      if (d.state === 'open' && (id === undefined || d.deadlineId === id)) d.state = 'elapsed';
  }
  const toState = event.metadata.toState;
  if (toState !== undefined && toState !== next.step) {
    next.step = toState;
    next.stepSince = event.metadata.occurredAt;
    // Leaving a step fulfils the deadlines that were running on it.
    for (const d of next.deadlines) if (d.state === 'open' && d.step !== toState) d.state = 'met';
  }
  return next;
}

function emptyView(streamId: string): DossierView {
  return {
    streamId,
    isDossier: false,
    kind: '',
    tier: null,
    unitCode: '',
    communeCode: '',
    districtCode: null,
    provinceCode: '',
    year: null,
    workflowId: null,
    workflowVersion: null,
    step: '',
    stepSince: '',
    revision: '-1',
    openedAt: '',
    updatedAt: '',
    criteria: {},
    recognitions: [],
    deadlines: [],
  };
}

/** Status for lists: the final outcome once there is one, otherwise in progress. */
export function statusOf(view: DossierView): string {
  const final = /(recognised|refused|revoked|withdrawn)/i.exec(view.step);
  if (final) return final[1]!.toLowerCase();
  return view.recognitions.at(-1)?.outcome ?? 'in_progress';
}
