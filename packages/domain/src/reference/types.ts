/**
 * Shapes of the reference data: administrative units, criteria sets and versioned rule parameters.
 * Numbers the law sets are never literals in a machine: they live in a RuleSet, each with its legal basis and
 * whether a public source confirms it ([C] in the domain brief) or it is a default from memory ([M]/[I]).
 */
import type { DossierKind, Role, Tier } from '../model.js';

/** A rule value with where it comes from. `confirmed: false` marks a default awaiting the legal text. */
export interface RuleParameter<T> {
  value: T;
  legalBasis: string;
  confirmed: boolean;
  note?: string;
  /** another text that, from a date, sets a different value for the same thing; kept as a flag, not applied */
  conflictsWith?: RuleConflict<T>;
}

/** A rule of another law that may displace a parameter's value; which one governs is not settled. */
export interface RuleConflict<T> {
  value: T;
  legalBasis: string;
  /** first day the other rule is in force (ISO date) */
  effectiveFrom: string;
  note: string;
}

/** Share in [0, 1]; `inclusive` says whether the threshold itself passes (">= 90%" vs "> 90%"). */
export interface ShareThreshold {
  share: number;
  inclusive: boolean;
}

export type SecurityCondition =
  /** QĐ 18/2022 Art. 4(1)(d) before 07/03/2024: not a commune with complex security and order problems */
  | 'not_complex_area'
  /** QĐ 03/2024: meets the Ministry of Public Security's "safe for security and order" standard */
  | 'safe_for_security_and_order';

/** Revocation grounds over an assessment: share of criteria failing, and which criteria are critical. */
export interface RevocationRule {
  /** revoke when this share or more fail, whatever they are (">= 50%") */
  anyCriteriaShare: ShareThreshold;
  /** revoke when at least this share fail (">= 30%") AND one failing criterion is critical */
  criticalCriteriaShare: ShareThreshold;
  /** criterion codes per criteria-set id that count as critical (income, environment, defence & security...) */
  criticalCriteria: Record<string, string[]>;
  /** criteria sets judged on another set's critical criteria (the model set on the advanced set's) */
  judgedAs: Record<string, RuleParameter<string>>;
  /**
   * critical criteria of sets the revocation text does not name (the 2026-2030 set): mapped by analogy, each with
   * its basis and `confirmed: false`, so a decision that relied on one says so in its provenance
   */
  inferredCriticalCriteria?: Record<string, RuleParameter<string[]>> | undefined;
}

/** One version of the procedural rules. A dossier is judged by the RuleSet in force when it was opened. */
export interface RuleSet {
  id: string;
  version: number;
  /** first day in force, ISO date (YYYY-MM-DD) */
  effectiveFrom: string;
  /** last day in force, ISO date; undefined while in force */
  effectiveTo?: string | undefined;
  legalBasis: string[];
  poll: {
    /** share of respondents satisfied, per tier */
    passShare: Record<Tier, RuleParameter<ShareThreshold>>;
    /** share of households that must answer */
    minCoverage: RuleParameter<ShareThreshold>;
  };
  /** Proposal meeting (họp đề nghị): share of attendees in favour */
  proposalMeetingShare: RuleParameter<ShareThreshold>;
  council: {
    /** share of members present for a valid meeting */
    quorum: RuleParameter<ShareThreshold>;
    /** share of ballots in favour among members voting (recused members excluded) */
    approvalShare: RuleParameter<ShareThreshold>;
  };
  notice: {
    /** village loudspeaker notice, calendar days */
    villageDays: RuleParameter<number>;
    /** commune public notice of the self-assessment report, calendar days */
    communeDays: RuleParameter<number>;
  };
  /** processing deadlines in Vietnamese working days */
  deadlines: {
    verificationWorkingDays: RuleParameter<number>;
    appraisalWorkingDays: RuleParameter<number>;
    incompleteNoticeWorkingDays: RuleParameter<number>;
    decisionWorkingDays: RuleParameter<number>;
  };
  /** Khiếu nại — complaints against decisions (Law on Complaints 02/2011/QH13) */
  complaints: ComplaintRules;
  /** who signs the decision for each dossier kind */
  decider: Record<DossierKind, RuleParameter<Role>>;
  /** condition 4 of QĐ 18 Art. 4(1) */
  securityCondition: RuleParameter<SecurityCondition>;
  revocation: RuleParameter<RevocationRule>;
  /** "who verifies": 'district' under the 2022 procedure, 'province' from 01/07/2025 */
  verifier: RuleParameter<'district' | 'province'>;
  /** who performs, in dossiers still in flight, the steps of units abolished when this rule set came in */
  succession?: Succession | undefined;
  /**
   * From this day a dossier opened under this rule set runs a procedure no source confirms for its period (QĐ 18 is
   * titled 2021-2025 and no successor was found): the dossier and its decisions say so.
   */
  procedureUnconfirmedFrom?: RuleParameter<string> | undefined;
}

/** The complaint window and resolution periods; the figures are the Law's, their day counting the engine's reading. */
export interface ComplaintRules {
  /** calendar days from the day the decision was received or learned of (Art. 9) */
  windowDays: RuleParameter<number>;
  /** first-complaint resolution period from acceptance, by case (Art. 28), counted in working days */
  resolutionDays: RuleParameter<{ normal: number; complex: number; remote: number; remoteComplex: number }>;
}

/** Kế thừa — a role whose unit was abolished, and who performs its steps in dossiers opened before. */
export interface SuccessorRole {
  role: Role;
  /** the level of the unit the successor acts for: the commune's successor commune, or that commune's province */
  level: 'commune' | 'province';
}

/** The cut-over of a reform for dossiers pinned to an earlier procedure (e.g. districts abolished, NĐ 131/2025). */
export interface Succession {
  /** first day the abolished roles can no longer act (ISO date) */
  from: RuleParameter<string>;
  /** abolished role → successor */
  roles: RuleParameter<Partial<Record<Role, SuccessorRole>>>;
  /**
   * Levels at which a unit that the reform merged away is succeeded by the unit(s) it merged into: their officials
   * act on, and their auditors read, the dossiers of the former unit opened before the cut-over.
   */
  mergedUnits: RuleParameter<readonly SuccessorRole['level'][]>;
}

export type Comparator = '>=' | '<=' | '>' | '<' | '==' | 'boolean';

/** A threshold for one region or commune group, optionally for one year; `value: null` = not yet known (data to fill). */
export interface Threshold {
  /** region code (e.g. "TDMNPB", Northern Midlands & Mountains) or commune group ("group1" | "group2" | "group3"); "*" = all */
  appliesTo: string;
  year?: number | undefined;
  value: number | boolean | null;
}

export interface Indicator {
  code: string;
  name: string;
  unit: string;
  comparator: Comparator;
  thresholds: Threshold[];
  confirmed: boolean;
  /** where the value comes from, or why it is a placeholder */
  note?: string | undefined;
}

export interface Criterion {
  /** e.g. "1".."19" */
  code: string;
  name: string;
  nameVi: string;
  group: string;
  indicators: Indicator[];
  confirmed: boolean;
  note?: string | undefined;
}

export interface CriteriaSet {
  /** e.g. "commune-ntm-2021-2025" */
  id: string;
  version: number;
  period: { from: number; to: number };
  level: 'commune' | 'village';
  tier: Tier | 'modern';
  issuer: string;
  legalRef: string;
  effectiveFrom: string;
  /** last day this set is picked for new dossiers, ISO date; undefined while in force */
  effectiveTo?: string | undefined;
  criteria: Criterion[];
  note?: string | undefined;
}

/** `special_zone`: đặc khu, the island units that took a commune's place on 01/07/2025. */
export type UnitType =
  'province' | 'district' | 'city' | 'town' | 'commune' | 'ward' | 'special_zone' | 'village';

/** One period in the life of an administrative unit. A unit's history is a list of these, by code. */
export interface UnitVersion {
  code: string;
  name: string;
  type: UnitType;
  parentCode?: string | undefined;
  validFrom: string;
  /** last day valid (ISO date), undefined while current */
  validTo?: string | undefined;
  /** legal act that created this version (merger, reclassification...) */
  basis?: string | undefined;
}

/** A change in the administrative map: merge, split or reclassification, effective on a date. */
export interface LineageChange {
  kind: 'merge' | 'split' | 'reclassify' | 'rename';
  effectiveDate: string;
  from: string[];
  to: string[];
  basis: string;
  /** codes in `from` of which only a part went to `to` (the rest went elsewhere) */
  partial?: string[] | undefined;
}
