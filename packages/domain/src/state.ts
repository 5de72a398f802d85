/**
 * The state of a dossier: plain JSON, the fold of its events, never stored. It is also the XState context of the
 * dossier's machine, so guards read exactly what the decider reads.
 */
import type { DossierKind, DossierScope, Role, Tier, WorkflowPin } from './model.js';
import type { Provenance } from './reference/index.js';

/** One criterion as each level saw it: the commune's self-assessment, the verifier's and the appraiser's values. */
export interface CriterionRow {
  commune?: {
    met: boolean;
    indicators: { code: string; value: number | boolean | string; unit?: string | undefined }[];
    evidenceCount: number;
    by: string;
  };
  verifier?: { met: boolean; value?: number | boolean | string | undefined; note?: string | undefined };
  appraiser?: { met: boolean; value?: number | boolean | string | undefined; note?: string | undefined };
}

export interface DocumentRecord {
  documentId: string;
  documentKind: string;
  number: string;
  issuedOn: string;
  issuingBody: string;
  signer: { name: string; title: string };
  copy: 'original' | 'copy';
  sha256: string;
  dossierVersion: number;
}

/** One version of a document's file: its bytes are in the blob store under `sha256`; its name is not in the log. */
export interface DocumentFileRecord {
  documentId: string;
  documentKind: string;
  version: number;
  sha256: string;
  size: number;
  mediaType: string;
  dossierVersion: number;
}

export interface OpenDeadline {
  deadlineId: string;
  step: 'verification' | 'appraisal' | 'decision' | 'complaint';
  startedOn: string;
  dueOn: string;
  /** set by DeadlineElapsed; the deadline stays listed until the step it times ends */
  elapsedOn?: string | undefined;
  /** extensions granted (DeadlineExtended), oldest first */
  extensions?: { workingDays: number; reason: string; grantedBy: string; dueOn: string }[] | undefined;
  /** set on a deadline opened by an apology (form 04): the deadline it replaces */
  apologyFor?: string | undefined;
}

/** A clock stopped by a supplement request: what is left of it, until the resubmission resumes it. */
export interface SuspendedDeadline {
  deadlineId: string;
  step: OpenDeadline['step'];
  startedOn: string;
  dueOn: string;
  suspendedOn: string;
  remainingWorkingDays: number;
}

export interface Ballot {
  for: number;
  against: number;
  blank: number;
}

export type CouncilVote = 'approve' | 'reject' | 'abstain';

/** The council's electronic ballot while it is open: who may vote, who voted how, who recused (ADR 0022). */
export interface OpenCouncilBallot {
  ballotNo: string;
  heldOn: string;
  memberIds: string[];
  /** member id → vote; how each member voted is shown only in the audit trail */
  votes: Record<string, CouncilVote>;
  recused: string[];
}

/** A complaint dossier's subject: the decision of another dossier (its personal data stay outside the log). */
export interface ComplaintRecord {
  targetDossierId: string;
  targetKind: DossierKind;
  decision: { outcome: string; decisionNo: string; decidedOn: string };
  /** the role that resolves it: the decision's issuer (or its successor) */
  issuerRole: string;
  learnedOn?: string | undefined;
  windowEndsOn: string;
  accepted?: { acceptedOn: string; complex: boolean; remoteArea: boolean } | undefined;
}

/** Hồ sơ — a dossier as the fold of its events. */
export interface DossierState {
  id: string;
  kind: DossierKind;
  workflow: WorkflowPin;
  ruleSet: { id: string; version: number };
  criteriaSetId: string;
  /** criterion codes the dossier is judged against, pinned at opening */
  criteriaCodes: string[];
  tier?: Tier | undefined;
  scope: DossierScope;
  year: number;
  openedOn: string;
  /** the machine state value, e.g. "noticeOpen" (same as `step`) */
  status: string;
  step: string;
  /** mã hồ sơ, given on the first submission (absent before, and in dossiers submitted before codes existed) */
  dossierCode?: string | undefined;
  /** 1, then +1 per resubmission */
  dossierVersion: number;
  /** number of events folded (0-based revision of the last event) */
  revision: number;
  criteria: Record<string, CriterionRow>;
  documents: DocumentRecord[];
  /** every file version ever attached, oldest first: a replaced file stays in the history (absent: none yet) */
  files?: DocumentFileRecord[] | undefined;
  notice?:
    | { channel: string; from: string; endsOn: string; days: number; closedOn?: string | undefined }
    | undefined;
  comments: { commentId: string; receivedOn: string; text: string; response?: string | undefined }[];
  poll: {
    tallies: Record<string, { households: number; respondents: number; satisfied: number }>;
    report?:
      | {
          reportNo: string;
          issuedOn: string;
          households: number;
          respondents: number;
          satisfied: number;
          passed: true;
        }
      | undefined;
  };
  meeting?: ({ heldOn: string; attendees: number } & Ballot) | undefined;
  verification?: { reportNo: string; by: string; allMet: boolean } | undefined;
  appraisal?:
    | { reportNo: string; by: string; complete: boolean; fieldCheckPassed: boolean; allMet: boolean }
    | undefined;
  council?:
    | ({
        heldOn: string;
        membersTotal: number;
        present: number;
        recused: string[];
        approved: boolean;
      } & Ballot)
    | undefined;
  /** set while an electronic ballot is open (step councilVoting) */
  councilBallot?: OpenCouncilBallot | undefined;
  /** closed electronic ballots, oldest first (a void ballot leaves the dossier appraised for a new one) */
  councilBallots?:
    { ballotNo: string; closedOn: string; result: 'approved' | 'not_approved' | 'void' }[] | undefined;
  decision?:
    | { outcome: string; decisionNo: string; decidedOn: string; by: string; tier?: Tier | undefined }
    | undefined;
  /**
   * The signed decision (DecisionSigned): the signed PDF's hash and size in the blob store, the certificate it was
   * signed with and the verdict when it was signed. Absent until the decision is signed.
   */
  decisionSignature?: DecisionSignature | undefined;
  announcedOn?: string | undefined;
  /** poll and consultation results made public (Law on Grassroots Democracy Art. 11(11)) */
  publications?: { subject: 'poll' | 'consultation'; publishedOn: string; channel: string }[];
  withdrawal?: { reason: string } | undefined;
  returns: {
    dossierVersion: number;
    reasons: { code: string; criterionCode?: string | undefined; detail: string }[];
  }[];
  deadlines: OpenDeadline[];
  /** clocks stopped by a supplement request (DeadlineSuspended), resumed on the resubmission; absent when none */
  suspendedDeadlines?: SuspendedDeadline[] | undefined;
  /** commune-side actor ids that prepared or submitted the dossier: they may not verify, appraise, vote or decide */
  preparers: string[];
  securityClassification?: string | undefined;
  constructionDebtOutstanding?: boolean | undefined;
  targetRecognition?: { tier: Tier; decisionNo: string; decidedOn: string } | undefined;
  predecessors?: { code: string; tier: Tier | null; decisionNo?: string | undefined }[] | undefined;
  /** POST_MERGER_ACKNOWLEDGEMENT: the merger on record and the predecessors' statuses on its eve */
  merger?:
    | { effectiveDate: string; statusOn: string; statusesFrom: 'recognitions' | 'declared' | 'mixed' }
    | undefined;
  /** the rule parameters and criteria the dossier's events read (`rulesRead`), once each; absent when none */
  rulesRead?: string[] | undefined;
  /** the law the last decision stood on: each rule read, its basis and whether it is confirmed */
  provenance?: Provenance[] | undefined;
  /** set when the dossier's procedure is not confirmed for the period it was opened in */
  procedureUnconfirmed?: { from: string; basis: string; note: string } | undefined;
  /** VILLAGE_NTM: the decider the province's own rules named at opening (absent: the rule set's) */
  villageDecider?: { role: Role; legalBasis: string; confirmed: boolean } | undefined;
  /** COMPLAINT: the decision complained of, who resolves it, the window it was filed in, and its acceptance */
  complaint?: ComplaintRecord | undefined;
  revocation?:
    | {
        revoke: boolean;
        ground?: string | undefined;
        failingCriteria: string[];
        criticalFailing: string[];
        by: string;
      }
    | undefined;
}

/** A signed decision as the log records it (DecisionSigned): the file is in the blob store under `sha256`. */
export interface DecisionSignature {
  decisionNo: string;
  sha256: string;
  size: number;
  signer: { subject: string; issuer: string };
  signedAt: string;
  verdict: 'valid' | 'untrusted';
  by: string;
}
