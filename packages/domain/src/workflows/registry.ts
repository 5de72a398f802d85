/**
 * The registry of workflow versions. A dossier pins `{ id, version }` when it is opened and is replayed under that
 * version for ever; `workflowFor` picks the version in force on the opening date.
 */
import type { DossierKind, WorkflowPin } from '../model.js';
import { buildMachine, type WorkflowMachine } from './machine.js';
import {
  communeWorkflow,
  complaintWorkflow,
  postMergerWorkflow,
  revocationWorkflow,
  villageWorkflow,
} from './definitions.js';
import type { WorkflowDefinition } from './types.js';

/** First day of the two-tier procedure (NĐ 131/2025, districts abolished). */
export const TWO_TIER_FROM = '2025-07-01';
/** First day of QĐ 18/2022; no workflow is defined for dossiers opened earlier. */
export const QD18_FROM = '2022-08-02';

export interface RegisteredWorkflow {
  id: string;
  version: number;
  kind: DossierKind;
  definition: WorkflowDefinition;
  machine: WorkflowMachine;
  /** first opening date this version applies to, and last (inclusive) */
  from: string;
  to?: string;
}

const register = (definition: WorkflowDefinition, from: string, to?: string): RegisteredWorkflow => ({
  id: definition.id,
  version: definition.version,
  kind: definition.kind,
  definition,
  machine: buildMachine(definition),
  from,
  ...(to ? { to } : {}),
});

const BEFORE_REFORM = '2025-06-30';

const commune = (tier: 'ntm' | 'advanced' | 'model') => [
  register(communeWorkflow(tier, 1), QD18_FROM, BEFORE_REFORM),
  register(communeWorkflow(tier, 2), TWO_TIER_FROM),
];

/** The versions of each dossier kind: a new kind does not compile until it has its workflows. */
const BY_KIND: Record<DossierKind, readonly RegisteredWorkflow[]> = {
  VILLAGE_NTM: [
    register(villageWorkflow(1), QD18_FROM, BEFORE_REFORM),
    register(villageWorkflow(2), TWO_TIER_FROM),
  ],
  COMMUNE_NTM: commune('ntm'),
  COMMUNE_ADVANCED: commune('advanced'),
  COMMUNE_MODEL: commune('model'),
  REVOCATION: [
    register(revocationWorkflow(1), QD18_FROM, BEFORE_REFORM),
    register(revocationWorkflow(2), TWO_TIER_FROM),
  ],
  POST_MERGER_ACKNOWLEDGEMENT: [register(postMergerWorkflow(), QD18_FROM)],
  // The Law on Complaints predates every decision the engine holds.
  COMPLAINT: [register(complaintWorkflow(), QD18_FROM)],
};

/** Every workflow version, by kind. */
export const WORKFLOWS: readonly RegisteredWorkflow[] = Object.values(BY_KIND).flat();

/** The workflow version in force for `kind` on `openingDate` (YYYY-MM-DD), or undefined before QĐ 18/2022. */
export function workflowFor(kind: DossierKind, openingDate: string): RegisteredWorkflow | undefined {
  return WORKFLOWS.find(
    (w) => w.kind === kind && w.from <= openingDate && (w.to === undefined || openingDate <= w.to),
  );
}

/** The workflow a dossier pinned; undefined for a pin this code does not know. */
export function workflowByPin(pin: WorkflowPin): RegisteredWorkflow | undefined {
  return WORKFLOWS.find((w) => w.id === pin.id && w.version === pin.version);
}
