/**
 * What-if replay: a past dossier's recorded commands decided again under a proposed rule set, to see which
 * outcomes would have differed and at which step. Nothing is written: the decider is pure, and the events folded
 * are the recorded ones.
 *
 * Each command is rebuilt from its recorded event (the event's data repeats the command's body; the actor, the
 * instant and the numbers drawn are in the envelope) and decided twice from the state the dossier was really in:
 * under the rule set it pinned, which must give back the recorded event (else the step depends on facts outside
 * the log, such as another unit's recognition, and the dossier is reported as not reproducible from there), and
 * under the proposed one. The first step where the two differ is the answer; what follows it never happened under
 * the proposed rules, so the comparison stops there. The opening is not decided again: it is where the pins are.
 */
import { COMMAND_SPECS } from '@ntm/contracts';
import {
  COMMAND_OF_EVENT,
  decide,
  evolve,
  ruleSetById,
  type DecisionContext,
  type DossierCommand,
  type RuleSet,
} from '@ntm/domain';
import type { EventLine } from './format.js';

/** A proposed rule set: fields that replace the pinned rule set's, merged into it (objects merge, the rest replace). */
export type RuleSetOverlay = { id?: string; version?: number } & Record<string, unknown>;

export interface WhatIfResult {
  dossierId: string;
  kind: string;
  ruleSet: string;
  /** the step the recorded history ends in */
  recordedStep: string;
  /** same: every step reproduced; differs: see `at`; not-reproducible: the pinned rules did not give the record back */
  status: 'same' | 'differs' | 'not-reproducible';
  at?: {
    revision: number;
    eventType: string;
    command: string;
    /** the recorded to-state */
    recorded: string;
    /** the to-state under the proposed rules, or `refused <CODE>` */
    proposed: string;
    message?: string;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `base` with `overlay`'s fields: nested objects merged, everything else replaced. */
export function mergeRuleSet(base: RuleSet, overlay: RuleSetOverlay): RuleSet {
  const merge = (a: unknown, b: unknown): unknown => {
    if (!isObject(a) || !isObject(b)) return b;
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  };
  return {
    ...(merge(base, overlay) as RuleSet),
    id: overlay.id ?? `${base.id}+what-if`,
    version: overlay.version ?? base.version,
  };
}

/** The top-level field names of a command's schema (a strict object, possibly refined or piped). */
function shapeKeys(schema: unknown): string[] {
  const s = schema as {
    shape?: Record<string, unknown>;
    _zod?: { def?: { in?: unknown; innerType?: unknown } };
  };
  if (s.shape) return Object.keys(s.shape);
  const inner = s._zod?.def?.in ?? s._zod?.def?.innerType;
  return inner ? shapeKeys(inner) : [];
}
const KEYS = new Map(COMMAND_SPECS.map((spec) => [spec.type, shapeKeys(spec.schema)]));

/** The command that recorded `e`, rebuilt from the event's data: the fields its schema has. */
export function commandOf(
  e: Pick<EventLine, 'type' | 'data'>,
  dossierId: string,
): DossierCommand | undefined {
  const type = COMMAND_OF_EVENT[e.type as keyof typeof COMMAND_OF_EVENT] as string | undefined;
  const keys = type === undefined ? undefined : KEYS.get(type as never);
  if (type === undefined || !keys) return undefined;
  const data = e.data as Record<string, unknown>;
  return {
    type,
    dossierId,
    ...Object.fromEntries(keys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]])),
  };
}

function contextOf(e: EventLine): DecisionContext {
  const data = e.data as { decisionNo?: unknown; dossierCode?: unknown };
  const { actor, onBehalfOf, occurredAt } = e.metadata;
  return {
    now: occurredAt,
    actor: { id: actor.id, role: actor.role as DecisionContext['actor']['role'], unit: actor.unit },
    ...(onBehalfOf
      ? {
          onBehalfOf: {
            id: onBehalfOf.id,
            role: onBehalfOf.role as DecisionContext['actor']['role'],
            unit: onBehalfOf.unit,
          },
        }
      : {}),
    numbers: {
      ...(typeof data.decisionNo === 'string' ? { decisionNo: data.decisionNo } : {}),
      ...(typeof data.dossierCode === 'string' ? { dossierCode: data.dossierCode } : {}),
    },
  };
}

/** One dossier's recorded events replayed under `overlay`; `extra` adds context facts the caller knows. */
export function whatIf(
  events: readonly EventLine[],
  overlay: RuleSetOverlay,
  extra: Partial<DecisionContext> = {},
): WhatIfResult {
  let state = evolve(undefined, events[0]!);
  const pinned = ruleSetById(state.ruleSet.id, state.ruleSet.version);
  const proposed = mergeRuleSet(pinned, overlay);
  const result = (rest: Pick<WhatIfResult, 'status' | 'at'>): WhatIfResult => ({
    dossierId: state.id,
    kind: state.kind,
    ruleSet: `${pinned.id} v${pinned.version}`,
    recordedStep: events.at(-1)?.metadata.toState ?? state.step,
    ...rest,
  });
  for (const e of events.slice(1)) {
    // Deadlines scheduled are outputs of the command before them, already compared through its to-state.
    if (e.type !== 'DeadlineScheduled') {
      const command = commandOf(e, state.id);
      const recorded = e.metadata.toState ?? state.step;
      const at = { revision: e.revision, eventType: e.type, command: command?.type ?? '?', recorded };
      if (!command) return result({ status: 'not-reproducible', at: { ...at, proposed: '?' } });
      const ctx = { ...contextOf(e), ...extra };
      const again = decide(state, command, ctx);
      const first = again.ok ? again.value[0] : undefined;
      if (!first || first.type !== e.type || first.toState !== recorded)
        return result({
          status: 'not-reproducible',
          at: {
            ...at,
            proposed: '?',
            message: again.ok
              ? `the pinned rules give ${first?.type ?? 'nothing'} to ${first?.toState ?? '?'}`
              : `the pinned rules refuse it now: ${again.error.code} (a fact outside the log?)`,
          },
        });
      const under = decide(state, command, { ...ctx, ruleSet: proposed });
      if (!under.ok)
        return result({
          status: 'differs',
          at: { ...at, proposed: `refused ${under.error.code}`, message: under.error.message },
        });
      const to = under.value[0]!.toState;
      if (under.value[0]!.type !== e.type || to !== recorded)
        return result({ status: 'differs', at: { ...at, proposed: to } });
    }
    state = evolve(state, e);
  }
  return result({ status: 'same' });
}

/** Results as CSV (RFC 4180 quoting), one row per dossier. */
export function whatIfCsv(results: readonly WhatIfResult[]): string {
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const header = [
    'dossier',
    'kind',
    'rule_set',
    'recorded_step',
    'status',
    'revision',
    'event',
    'command',
    'recorded',
    'proposed',
    'message',
  ];
  const rows = results.map((r) =>
    [
      r.dossierId,
      r.kind,
      r.ruleSet,
      r.recordedStep,
      r.status,
      r.at?.revision,
      r.at?.eventType,
      r.at?.command,
      r.at?.recorded,
      r.at?.proposed,
      r.at?.message,
    ]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
