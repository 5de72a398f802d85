export * from './model.js';
export * from './errors.js';
export * from './state.js';
export * from './decide.js';
export * from './evolve.js';
export * from './numbering.js';
export { COMMAND_OF_EVENT, complainantJson, complainantSha256, reasonSha256 } from './emit.js';
export { councilTally, type CouncilTally } from './councilTally.js';
export type { CheckName } from './workflows/checks.js';
export type { DeadlineStep, Edge, WorkflowDefinition } from './workflows/types.js';
export { candidatesOf, type EdgeMeta, type WorkflowMachine } from './workflows/machine.js';
export {
  WORKFLOWS,
  workflowFor,
  workflowByPin,
  TWO_TIER_FROM,
  QD18_FROM,
  type RegisteredWorkflow,
} from './workflows/registry.js';
export {
  actingRole,
  mergeLevelOf,
  mergedUnitSuccession,
  succeedsMergedUnit,
  successionFor,
  successorUnits,
  type SuccessionInForce,
  type SuccessionRecord,
} from './workflows/succession.js';
export {
  lowestTier,
  mergerOf,
  type MergerPredecessor,
  type MergerRecord,
  type RecognitionOf,
  type StatusMismatch,
  type UnitRecognition,
} from './workflows/merger.js';
export * from './reference/index.js';
export { renderWorkflowDoc, workflowDocName } from './workflows/renderWorkflowDoc.js';
export * from './names.js';
export { DEADLINE_COMMANDS } from './workflows/definitions.js';
export { checklistStatus, type ChecklistStepStatus } from './workflows/checklistStatus.js';
export * from './imports/recognitionImport.js';
