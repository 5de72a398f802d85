/**
 * Procedure parameters beside the figures of `RULE_SETS`: who announces a recognition, whether villages go before
 * an appraisal council, which results must be published. Each rule set id has one entry; a province may set its own
 * values for what the law leaves to provinces (`PROVINCIAL_PROCEDURE_RULES`), and falls back to the national entry,
 * unconfirmed, where it has not. Sources: law-findings-2026-12.md §1.10, §7.2, §7.3, §7.5.
 */
import type { Role } from '../../model.js';
import type { RuleParameter } from '../types.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** Results the commune must make public (Law on Grassroots Democracy Art. 11(11)). */
export type ResultsSubject = 'poll' | 'consultation';

/** The procedure parameters of one rule set (by its id), as a province applies them. */
export interface ProcedureRules {
  ruleSetId: string;
  /** who publicly announces (công bố) a recognition once it is decided, per level of the unit */
  announcers: {
    commune: RuleParameter<readonly Role[]>;
    village: RuleParameter<readonly Role[]>;
  };
  /** whether a village dossier goes before an appraisal council (hội đồng thẩm định cấp thôn) before the decision */
  villageCouncil: RuleParameter<boolean>;
  /** results the commune publishes, from the day the rule applies */
  resultsPublication: RuleParameter<{ from: string; subjects: readonly ResultsSubject[] }>;
  /**
   * Merged communes: formed only from recognised communes, acknowledged at the lowest of their tiers; formed also
   * from unrecognised ones, the full recognition procedure (law-findings §4.6)
   */
  mergerPaths: RuleParameter<{
    allRecognised: 'acknowledgement';
    someUnrecognised: 'full_procedure';
    tier: 'lowest';
  }>;
  /**
   * Yêu cầu bổ sung: the return reasons that make a return a supplement request, which stops the running clock
   * until the resubmission restarts it with what was left; a return for any other reason is a rework, after which
   * the clock starts afresh
   */
  supplementRequest: RuleParameter<{ reasons: readonly string[] }>;
  /**
   * Who signs village recognitions in this province, where the province has said so (findings §4.4: after the
   * 2025 reform this is a provincial matter that no text found settles). Undefined: the rule set's own decider.
   */
  villageDecider?: RuleParameter<Role> | undefined;
  /** the province whose own rules these are; undefined for the national defaults */
  provinceCode?: string | undefined;
}

/** What a province sets for itself, for dossiers opened from `effectiveFrom` (to `effectiveTo`, inclusive). */
export interface ProvincialProcedureRules {
  provinceCode: string;
  effectiveFrom: string;
  effectiveTo?: string | undefined;
  villageCouncil?: RuleParameter<boolean> | undefined;
  announcers?: Partial<ProcedureRules['announcers']> | undefined;
  villageDecider?: RuleParameter<Role> | undefined;
}

const QD18 = 'QĐ 18/2022/QĐ-TTg';
const TT55 = 'TT 55/2023/TT-BTC Art. 122 (budgets "Hội đồng thẩm định cấp thôn, cấp xã")';
const GRASSROOTS = 'Luật 10/2022/QH15 (Law on Grassroots Democracy) Art. 11(11), Art. 13';

const param = <T>(value: T, legalBasis: string, confirmed: boolean, note?: string): RuleParameter<T> =>
  note === undefined ? { value, legalBasis, confirmed } : { value, legalBasis, confirmed, note };

const villageCouncilOff = param(
  false,
  TT55,
  false,
  'the circular budgets village appraisal councils, so some provinces hold one; none is required nationally. ' +
    'A province switches it on in its own rules (PROVINCIAL_RULES_FILE)',
);

const resultsPublication = param(
  { from: '2023-07-01', subjects: ['poll', 'consultation'] as const },
  GRASSROOTS,
  true,
  'the plan, content and summarised results of consultations of residents are public (Art. 11(11)); posted ' +
    'for at least 30 consecutive days unless another law says otherwise (Art. 13(2))',
);

const MERGER_GUIDANCE = 'MARD 5424/BNN-VPĐP (09/08/2023) and 267/BNN-VPĐP (09/01/2024)';
const mergerPathsValue = {
  allRecognised: 'acknowledgement',
  someUnrecognised: 'full_procedure',
  tier: 'lowest',
} as const;
const mergerPaths2023 = param(
  mergerPathsValue,
  MERGER_GUIDANCE,
  true,
  'for the 2023-2025 merger round; applied by Hà Tĩnh QĐ 3368/QĐ-UBND (2023) and Nghệ An QĐ 848/QĐ-UBND (2024)',
);
const mergerPaths2025 = param(
  mergerPathsValue,
  MERGER_GUIDANCE,
  false,
  'no guidance specific to the 01/07/2025 mergers was found; the 2023-2025 guidance is applied by analogy',
);

/** Before the reform the district organised the announcement after the provincial decision (findings §1.10). */
const districtAnnounces: ProcedureRules['announcers'] = {
  commune: param<readonly Role[]>(
    ['district_chairman'],
    `${QD18}, as applied by the provinces (Quảng Trị QĐ 1161/QĐ-UBND 2023: "UBND các huyện … chịu trách nhiệm tổ chức công bố")`,
    true,
    'secondary sources (Quảng Trị 2023, Quảng Nam 2022, Đại Từ 2024) agree; the QĐ 18 article was not read',
  ),
  village: param<readonly Role[]>(
    ['district_chairman', 'commune_official'],
    'provincial village procedures (Thanh Hóa 1.007200 as analogue)',
    false,
    'the decider or the commune announces; no national rule',
  ),
};

const twoTierAnnounces: ProcedureRules['announcers'] = {
  commune: param<readonly Role[]>(
    ['provincial_chairman', 'provincial_appraiser'],
    'NĐ 131/2025/NĐ-CP; TT 13/2025/TT-BNNMT',
    false,
    'the districts are gone; who announces after 01/07/2025 was not found (findings §7.3)',
  ),
  village: param<readonly Role[]>(
    ['commune_chairman', 'commune_official'],
    'NĐ 131/2025/NĐ-CP',
    false,
    'the commune decides and announces village recognition after the reform (inferred)',
  ),
};

const supplementRequest = param(
  { reasons: ['DOCUMENT_MISSING', 'DOCUMENT_INVALID'] as const },
  'Decree 118/2025/NĐ-CP (one-stop handling); TT 01/2018/TT-VPCP form 02 (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)',
  false,
  'a supplement request stops the clock until the dossier is complete again (egov-conventions, secondary source); ' +
    'that a return counts as one only when every reason is a missing or invalid document is this engine’s reading',
);

/** The national procedure parameters, one entry per rule set id of `RULE_SETS`. */
export const PROCEDURE_RULES: readonly ProcedureRules[] = [
  {
    ruleSetId: 'qd18-2022',
    announcers: districtAnnounces,
    villageCouncil: villageCouncilOff,
    resultsPublication,
    mergerPaths: mergerPaths2023,
    supplementRequest,
  },
  {
    ruleSetId: 'qd18-2022+qd03-2024',
    announcers: districtAnnounces,
    villageCouncil: villageCouncilOff,
    resultsPublication,
    mergerPaths: mergerPaths2023,
    supplementRequest,
  },
  {
    ruleSetId: 'two-tier-2025',
    announcers: twoTierAnnounces,
    villageCouncil: villageCouncilOff,
    resultsPublication,
    mergerPaths: mergerPaths2025,
    supplementRequest,
  },
];

/**
 * Provinces' own procedure rules encoded here. None is: no provincial text was read (findings §4.4, §7.5). An
 * operator gives a province's rules in `PROVINCIAL_RULES_FILE` (docs/domain.md, "Provincial rules").
 */
export const PROVINCIAL_PROCEDURE_RULES: readonly ProvincialProcedureRules[] = [];

/**
 * The procedure parameters of rule set `ruleSetId` for a dossier of `provinceCode` opened on `openedOn`: the
 * national entry, with what the province set for itself on that day. Throws `RULE_SET_NOT_FOUND` for an unknown id.
 */
export function procedureRulesFor(
  ruleSetId: string,
  provinceCode?: string,
  openedOn?: string,
  provincial: readonly ProvincialProcedureRules[] = PROVINCIAL_PROCEDURE_RULES,
): ProcedureRules {
  const national = PROCEDURE_RULES.find((p) => p.ruleSetId === ruleSetId);
  if (!national)
    throw new ReferenceDataError('RULE_SET_NOT_FOUND', `no procedure rules for rule set ${ruleSetId}`, {
      id: ruleSetId,
    });
  const own =
    provinceCode === undefined || openedOn === undefined
      ? undefined
      : provincial.find(
          (p) =>
            p.provinceCode === provinceCode &&
            p.effectiveFrom <= openedOn &&
            (p.effectiveTo === undefined || openedOn <= p.effectiveTo),
        );
  if (!own) return national;
  return {
    ...national,
    provinceCode,
    announcers: { ...national.announcers, ...own.announcers },
    villageCouncil: own.villageCouncil ?? national.villageCouncil,
    ...(own.villageDecider ? { villageDecider: own.villageDecider } : {}),
  };
}
