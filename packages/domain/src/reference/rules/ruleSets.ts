/**
 * The procedural rule versions as data. Every figure carries its legal basis and whether a public source confirms
 * it (domain brief qd18-figures.md); unconfirmed figures are defaults to be replaced when the texts are read.
 * A dossier is judged by the version in force on the day it was opened.
 */
import type { DossierKind, Role } from '../../model.js';
import type {
  RevocationRule,
  RuleParameter,
  RuleSet,
  SecurityCondition,
  ShareThreshold,
  Succession,
} from '../types.js';

const QD18 = 'QĐ 18/2022/QĐ-TTg';
const QD03 = 'QĐ 03/2024/QĐ-TTg';
const ND131 = 'NĐ 131/2025/NĐ-CP';
const QD2540 = 'QĐ 2540/QĐ-TTg (2016) figure, assumed kept by QĐ 18/2022';
/** MAE circular under NĐ 131/2025 (19/06/2025, in force 01/07/2025): the likely source of the re-assignments; body not read. */
const TT13 = 'TT 13/2025/TT-BNNMT';
/**
 * Procedure 1.007200 on dichvucong.gov.vn is Thanh Hóa's (its sister 1.007194 cites QĐ 2392/2017/QĐ-UBND of Thanh
 * Hóa, 2016-2020 period): not national law and not Bắc Kạn's. Its figures are an analogue, never confirmed.
 */
const THANH_HOA_1007200 =
  'Thanh Hóa provincial procedure 1.007200 (QĐ 2392/2017/QĐ-UBND, 2016-2020 period; not national, not Bắc Kạn)';
const COMPLAINTS_LAW = 'Luật Khiếu nại 02/2011/QH13 (Law on Complaints)';
const GRASSROOTS_DEMOCRACY = 'Luật 10/2022/QH15 (Law on Grassroots Democracy) Art. 13(2)';

function param<T>(value: T, legalBasis: string, confirmed: boolean, note?: string): RuleParameter<T> {
  return note === undefined ? { value, legalBasis, confirmed } : { value, legalBasis, confirmed, note };
}
const atLeast = (share: number): ShareThreshold => ({ share, inclusive: true });

/** Tiêu chí then chốt — criteria whose failure, with 30% failing, triggers revocation (QĐ 18 Art. 4(5)). */
export const CRITICAL_CRITERIA_QD18: Record<string, string[]> = {
  /** income, environment & food safety, defence & security */
  'commune-ntm-2021-2025': ['10', '17', '19'],
  /** income, environment, quality of the living environment, defence & security */
  'commune-advanced-2021-2025': ['10', '17', '18', '19'],
};

const REVOCATION_QD18: RevocationRule = {
  anyCriteriaShare: atLeast(0.5),
  criticalCriteriaShare: atLeast(0.3),
  criticalCriteria: CRITICAL_CRITERIA_QD18,
  judgedAs: {
    'commune-model-2021-2025': param(
      'commune-advanced-2021-2025',
      `${QD18} Art. 4(5), as summarised by langngheviet.com.vn ("đối với xã NTM nâng cao và xã NTM kiểu mẫu")`,
      false,
      'one secondary summary only: a model commune is judged on the advanced set; the text was not read',
    ),
  },
};

/**
 * Law on Complaints, read in its text (law-findings §7.1): the figures are confirmed. How its "ngày" are counted is
 * the engine's reading: the window in calendar days, the resolution period in working days like every processing
 * deadline here; time lost to illness or disaster (Art. 9) is not modelled.
 */
const COMPLAINTS = {
  windowDays: param(
    90,
    `${COMPLAINTS_LAW} Art. 9`,
    true,
    'from the day the decision was received or learned of, in calendar days; time lost to illness, disaster or other objective obstacles is not counted (not modelled)',
  ),
  resolutionDays: param(
    { normal: 30, complex: 45, remote: 45, remoteComplex: 60 },
    `${COMPLAINTS_LAW} Art. 28(1) (first complaint, from acceptance)`,
    true,
    "the figures are the Law's; counting them in working days is the engine's reading, not confirmed",
  ),
};

function deciders(village: RuleParameter<Role>): Record<DossierKind, RuleParameter<Role>> {
  const province = (note: string, confirmed = false) =>
    param<Role>('provincial_chairman', QD18, confirmed, note);
  return {
    VILLAGE_NTM: village,
    COMMUNE_NTM: province('practice: provincial decisions for 2021 (baobackan); rule text not read', true),
    COMMUNE_ADVANCED: province('standard practice; rule text not read'),
    COMMUNE_MODEL: province('explicit for 2018-2020 (QĐ 691/QĐ-TTg); assumed for 2021-2025'),
    REVOCATION: province('the authority that recognised revokes; not read in QĐ 18'),
    POST_MERGER_ACKNOWLEDGEMENT: province(
      'Hà Tĩnh 2023 acknowledged merged communes before its provincial council',
    ),
    // Never read by the complaint workflow: the issuer of the decision complained of resolves (complaintIssuer).
    COMPLAINT: param<Role>(
      'provincial_chairman',
      `${COMPLAINTS_LAW} Art. 7`,
      false,
      'a first complaint goes to the issuer of the decision; this entry only completes the table',
    ),
  };
}

type Shared = Omit<
  RuleSet,
  | 'id'
  | 'version'
  | 'effectiveFrom'
  | 'effectiveTo'
  | 'legalBasis'
  | 'decider'
  | 'securityCondition'
  | 'revocation'
  | 'verifier'
  | 'succession'
>;

const SHARED: Shared = {
  poll: {
    passShare: {
      ntm: param(
        atLeast(0.9),
        'Hướng dẫn 90/HD-MTTW-BTT (2022)',
        false,
        'commonly read as >= 90%; ≥90% is confirmed only as a district criterion (QĐ 320/2022)',
      ),
      advanced: param(atLeast(0.9), 'Hướng dẫn 90/HD-MTTW-BTT (2022)', false, 'assumed as for NTM'),
      model: param(atLeast(0.9), 'Hướng dẫn 90/HD-MTTW-BTT (2022)', false, 'assumed as for NTM'),
    },
    minCoverage: param(
      atLeast(0.7),
      'practice before 2022 (Ninh Thuận, Tây Ninh 2019)',
      false,
      'nothing found for 2021-2025',
    ),
  },
  proposalMeetingShare: param(
    atLeast(0.9),
    `${THANH_HOA_1007200} (village); nothing found in QĐ 18 (commune)`,
    false,
    'a Thanh Hóa 2017 analogue for villages, from memory for communes; "trên 90%" vs "từ 90%" not seen',
  ),
  council: {
    quorum: param(
      atLeast(2 / 3),
      QD18,
      false,
      'no source at all: an assumed default, replace from the QĐ 18 text',
    ),
    approvalShare: param(
      atLeast(0.9),
      QD18,
      false,
      'from memory; practice reports 100% ballots (Nghệ An 2023)',
    ),
  },
  complaints: COMPLAINTS,
  notice: {
    villageDays: param(
      10,
      THANH_HOA_1007200,
      false,
      'commune loudspeaker notice of qualifying villages, in a Thanh Hóa 2017 analogue; no national figure found',
    ),
    communeDays: {
      ...param(15, QD2540, false),
      conflictsWith: {
        value: 30,
        legalBasis: GRASSROOTS_DEMOCRACY,
        effectiveFrom: '2023-07-01',
        note:
          'commune information is posted for at least 30 consecutive days "unless the law provides otherwise"; ' +
          'whether QĐ 18 is that other provision is unknown, so the 15-day default is kept and flagged',
      },
    },
  },
  deadlines: {
    verificationWorkingDays: param(
      15,
      QD2540,
      false,
      'Thừa Thiên Huế procedure list shows 15 working days, basis not shown',
    ),
    appraisalWorkingDays: param(20, QD2540, false),
    incompleteNoticeWorkingDays: param(5, QD2540, false),
    decisionWorkingDays: param(5, QD2540, false),
  },
};

const districtChairman = param<Role>(
  'district_chairman',
  THANH_HOA_1007200,
  false,
  'the district chairman decides in that Thanh Hóa procedure and in many provinces; Bắc Kạn procedure not found',
);
const notComplex = param<SecurityCondition>('not_complex_area', `${QD18} Art. 4(1)(d)`, true);
const safeForSecurity = param<SecurityCondition>(
  'safe_for_security_and_order',
  `${QD03} amending Art. 4(1)(d)`,
  true,
);
/**
 * QĐ 18's critical criteria (income; environment and food safety; defence and security) mapped by name onto QĐ 51's
 * ten criteria: income sits in no criterion of its own there, and is read as part of rural economic development (3);
 * environment and rural landscape (8); access to law, defence and security (10). An inference: no revocation text
 * for 2026-2030 was found (law-findings §3.6-3.7), and without it a 2026 revocation could not be judged at all.
 */
const CRITICAL_2026_BY_ANALOGY = param(
  ['3', '8', '10'],
  `${QD18} Art. 4(5) critical criteria, mapped by name onto QĐ 51/2025/QĐ-TTg Annex I`,
  false,
  'inferred: no revocation rule for the 2026-2030 criteria was found; income is assumed to sit in criterion 3',
);

const revocationAfterAmendment = param(
  REVOCATION_QD18,
  `${QD18} Art. 4(5) as amended by ${QD03}`,
  false,
  'QĐ 03/2024 rewrote Art. 4(5)(a)-(b); the new wording was not retrieved, the 2022 grounds are kept as a default',
);

/** Who decides village recognition once the districts are gone. */
const communeChairman = param<Role>(
  'commune_chairman',
  ND131,
  false,
  'districts abolished; the new owner of village decisions is not verified against Thái Nguyên rules',
);

/**
 * NĐ 131/2025: the districts are gone from 01/07/2025, so a 2022-procedure dossier still waiting at a district step
 * has that step performed by the successor: the province verifies and forwards (as it does in the two-tier
 * procedure), and village decisions go to this rule set's village decider.
 */
const districtsAbolished: Succession = {
  from: param('2025-07-01', `${ND131} (districts abolished)`, true),
  roles: param(
    {
      district_verifier: { role: 'provincial_appraiser', level: 'province' },
      district_chairman: { role: communeChairman.value, level: 'commune' },
    },
    ND131,
    false,
    'inferred from the two-tier procedure; no transitional provision for in-flight dossiers was read',
  ),
  mergedUnits: param<readonly ('commune' | 'province')[]>(
    ['commune', 'province'],
    'NQ 202/2025/QH15 and the commune-merger resolutions (Bắc Kạn + Thái Nguyên → Thái Nguyên)',
    false,
    'inferred: the merged province and communes take over the dossiers of the units they replaced; no transitional provision was read',
  ),
};

/** Thẩm tra/thẩm định rules: QĐ 18/2022 as signed, its 2024 amendment, and the two-tier procedure from 01/07/2025. */
export const RULE_SETS: readonly RuleSet[] = [
  {
    id: 'qd18-2022',
    version: 1,
    effectiveFrom: '2022-08-02',
    effectiveTo: '2024-03-06',
    legalBasis: [QD18],
    ...SHARED,
    decider: deciders(districtChairman),
    securityCondition: notComplex,
    revocation: param(REVOCATION_QD18, `${QD18} Art. 4(5)`, true, 'thuvienphapluat 41861, quangninh.gov.vn'),
    verifier: param('district', QD18, true, 'districts verified commune dossiers (baobackan 12/2021)'),
  },
  {
    id: 'qd18-2022+qd03-2024',
    version: 2,
    effectiveFrom: '2024-03-07',
    effectiveTo: '2025-06-30',
    legalBasis: [QD18, QD03],
    ...SHARED,
    decider: deciders(districtChairman),
    securityCondition: safeForSecurity,
    revocation: revocationAfterAmendment,
    verifier: param('district', QD18, true),
  },
  {
    id: 'two-tier-2025',
    version: 3,
    effectiveFrom: '2025-07-01',
    legalBasis: [QD18, QD03, ND131, TT13],
    ...SHARED,
    decider: deciders(communeChairman),
    securityCondition: safeForSecurity,
    // Same version: the 2026-2030 entry only answers revocations that could not be judged before (they threw).
    revocation: {
      ...revocationAfterAmendment,
      value: {
        ...REVOCATION_QD18,
        inferredCriticalCriteria: { 'commune-ntm-2026-2030': CRITICAL_2026_BY_ANALOGY },
      },
    },
    verifier: param(
      'province',
      ND131,
      false,
      'districts abolished 01/07/2025 (confirmed); that the province verifies is inferred',
    ),
    succession: districtsAbolished,
    procedureUnconfirmedFrom: param(
      '2026-02-15',
      `${QD18} (titled "giai đoạn 2021-2025"); QĐ 51/2025/QĐ-TTg sets the 2026-2030 criteria only`,
      false,
      'no successor to QĐ 18 was found (law-findings §3.6): dossiers opened from 15/02/2026 run the two-tier procedure unconfirmed',
    ),
  },
];
