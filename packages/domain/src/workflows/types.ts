/**
 * The vocabulary of workflow definitions: an edge says which command moves a dossier from one step to another,
 * who may fire it, which checks guard it and which deadline it starts. Machines are built from edges, so the
 * decider, the docs and the tests all read the same table.
 */
import type { CommandBody, CommandType } from '@ntm/contracts';
import type { DossierKind, DomainActor, Role, Tier } from '../model.js';
import type { DossierState } from '../state.js';
import type {
  DocumentChecklist,
  HolidayCalendar,
  ProcedureRules,
  RuleSet,
  UnitRegistry,
} from '../reference/index.js';
import type { CheckName } from './checks.js';
import type { SuccessionInForce } from './succession.js';
import type { RecognitionOf } from './merger.js';

/** A deadline an edge opens: the decider turns it into a `DeadlineScheduled` event. */
export type DeadlineStep = 'verification' | 'appraisal' | 'decision' | 'complaint';

export interface Edge {
  from: string;
  /** a command of the contracts: a misspelt or removed command does not compile */
  command: CommandType;
  to: string;
  roles: readonly Role[];
  checks?: readonly CheckName[];
  deadline?: DeadlineStep;
}

export interface WorkflowDefinition {
  id: string;
  version: number;
  kind: DossierKind;
  tier?: Tier;
  title: string;
  /** procedure in words, for the generated docs */
  description: string;
  /** documents that must be attached before each listed step (law as data, with basis and `confirmed`) */
  checklist: DocumentChecklist;
  finalStates: readonly string[];
  edges: readonly Edge[];
}

/** What a guard sees besides the dossier: the command body and the decision context, resolved. */
export interface DecisionInput {
  today: string;
  now: string;
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
  ruleSet: RuleSet;
  /** the procedure parameters of the pinned rule set, as the dossier's province applies them */
  procedure: ProcedureRules;
  unitRecognition?: { tier: Tier; decisionNo: string } | null | undefined;
  units?: UnitRegistry | undefined;
  /** a unit's recognition on a day, by code (the unitRecognition read model); for merged communes */
  recognitionOf?: RecognitionOf | undefined;
  /** set when a reform abolished roles the dossier's pinned procedure names (see `successionFor`) */
  succession?: SuccessionInForce | undefined;
  /** the working-day calendar deadlines are counted with; the national one (with its fallback) when absent */
  holidays?: HolidayCalendar | undefined;
  /** COMPLAINT opening: the dossier whose decision is complained of, as its events fold (absent: not found) */
  complaintTarget?: DossierState | undefined;
  /** numbers the counters gave this command (dossier code, decision number) */
  numbers?: { dossierCode?: string | undefined; decisionNo?: string | undefined } | undefined;
}

/** The event a machine receives: the command as a whole (checked against its contract), plus the decision input. */
export interface MachineEvent {
  type: CommandType;
  body: CommandBody<CommandType>;
  input: DecisionInput;
}

export interface MachineContext {
  dossier: DossierState | null;
  definition: WorkflowDefinition;
}
