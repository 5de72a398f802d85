/**
 * Realistic dossier histories in the store's envelope, for the projection tests and the benchmark while the
 * decider is not in the loop: a commune dossier from opening to decision under the 2022 procedure (workflow v1),
 * step by step, with the actor, workflow pin and step transition every event carries. Every event's data matches
 * its schema in `@ntm/contracts`, as the projections require, and every step is an edge of the machine; the
 * decider's own checks are not run (one self-assessment is left to the verification, see below).
 */
import type { Json, NewEvent } from '@ntm/event-store';

export interface SampleDossier {
  /** dossier id; the stream is `dossier-<id>` */
  id: string;
  communeCode: string;
  districtCode: string;
  provinceCode?: string;
  year: number;
  /** default COMMUNE_NTM */
  kind?: 'COMMUNE_NTM' | 'COMMUNE_ADVANCED' | 'COMMUNE_MODEL';
  /** default the commune code */
  unitCode?: string;
  /** criteria met out of 19, default 19 */
  criteriaMet?: number;
  /** final outcome, default recognised */
  outcome?: 'recognised' | 'refused';
}

type Step = [type: string, from: string, to: string, role: string, data: { [key: string]: Json }];

const TIER = { COMMUNE_NTM: 'ntm', COMMUNE_ADVANCED: 'advanced', COMMUNE_MODEL: 'model' } as const;
const COMMUNE_SIDE = ['commune_official', 'front_officer'];
const share = (value: number) => ({ share: value, inclusive: true });

/** The events of one dossier's history, in order; `at(i)` gives each event's occurredAt. */
export function sampleDossierEvents(d: SampleDossier, at: (index: number) => string): NewEvent[] {
  const kind = d.kind ?? 'COMMUNE_NTM';
  const tier = TIER[kind];
  const provinceCode = d.provinceCode ?? '06';
  const met = d.criteriaMet ?? 19;
  const codes = Array.from({ length: 19 }, (_, i) => String(i + 1));
  const day = (i: number) => at(i).slice(0, 10);
  const by = (role: string) => ({ id: actorId(role, d.communeCode), role });
  const results = codes.map((code, i) => ({ code, met: i < met }));
  // 18 self-assessments, not 19: a history is 30 events, which the projector tests and the benchmark count on.
  // The 19th criterion is first recorded by the verification, so the criteria read models still see all 19.
  const self = codes.slice(0, 18).map((code, i): Step => [
    'SelfAssessmentRecorded',
    'preparing',
    'preparing',
    'commune_official',
    {
      criterionCode: code,
      met: i < met,
      indicators: [{ code: `${code}.1`, value: i < met }],
      evidence: [{ description: `evidence for criterion ${code}` }],
      by: by('commune_official'),
    },
  ]);
  const n = self.length;
  const council = Array.from({ length: 8 }, (_, i) => `council-${i + 1}`);
  const refused = d.outcome === 'refused';
  const steps: Step[] = [
    [
      'DossierOpened',
      'draft',
      'preparing',
      'commune_official',
      {
        dossierId: d.id,
        kind,
        workflow: { id: `commune-${tier}`, version: 1 },
        ruleSet: { id: 'qd18-2022+qd03-2024', version: 2 },
        criteriaSetId: `commune-${tier}-2021-2025`,
        criteriaCodes: codes,
        tier,
        scope: {
          unitCode: d.unitCode ?? d.communeCode,
          communeCode: d.communeCode,
          districtCode: d.districtCode,
          provinceCode,
        },
        year: d.year,
        openedOn: day(0),
        by: by('commune_official'),
        constructionDebt: { outstanding: false },
        securityClassification: 'safe_for_security_and_order',
      },
    ],
    ...self,
    [
      'PublicNoticeOpened',
      'preparing',
      'noticeOpen',
      'commune_official',
      { channel: 'commune_office', from: day(n + 1), days: 15, endsOn: day(n + 2) },
    ],
    ['PublicNoticeClosed', 'noticeOpen', 'noticeClosed', 'commune_official', { closedOn: day(n + 2) }],
    [
      'PollReportIssued',
      'noticeClosed',
      'pollReported',
      'front_officer',
      {
        reportNo: `${n}/BC-MTTQ`,
        issuedOn: day(n + 3),
        households: 200,
        respondents: 180,
        satisfied: 171,
        minCoverage: share(0.7),
        passShare: share(0.9),
        passed: true,
      },
    ],
    [
      'ProposalMeetingRecorded',
      'pollReported',
      'meetingHeld',
      'commune_official',
      { heldOn: day(n + 4), attendees: 40, for: 38, against: 1, blank: 1, requiredShare: share(0.9) },
    ],
    [
      'DossierSubmitted',
      'meetingHeld',
      'submitted',
      'commune_official',
      { letterNo: '45/TTr-UBND', dossierVersion: 1, by: by('commune_official') },
    ],
    [
      'DeadlineScheduled',
      'submitted',
      'submitted',
      'district_verifier',
      {
        deadlineId: `verification-${day(n + 5)}`,
        step: 'verification',
        startedOn: day(n + 5),
        workingDays: 15,
        dueOn: day(100),
      },
    ],
    [
      'VerificationRecorded',
      'submitted',
      'verified',
      'district_verifier',
      { reportNo: '88/BC-TT', criteria: results, by: by('district_verifier') },
    ],
    [
      'DossierForwarded',
      'verified',
      'forwarded',
      'district_verifier',
      { letterNo: '102/TTr-UBND', by: by('district_verifier') },
    ],
    [
      'AppraisalRecorded',
      'forwarded',
      'appraised',
      'provincial_appraiser',
      {
        reportNo: '31/BC-SNN',
        complete: true,
        fieldCheck: { heldOn: day(n + 9), passed: true },
        criteria: results,
        by: by('provincial_appraiser'),
      },
    ],
    [
      'CouncilBallotRecorded',
      'appraised',
      'councilApproved',
      'council_secretary',
      {
        heldOn: day(n + 10),
        membersTotal: 9,
        presentMemberIds: council,
        recusedMemberIds: [],
        for: 8,
        against: 0,
        blank: 0,
        quorum: share(2 / 3),
        approvalShare: share(0.9),
        approved: true,
      },
    ],
    [
      refused ? 'RecognitionRefused' : 'RecognitionDecided',
      'councilApproved',
      refused ? 'refused' : 'recognised',
      'provincial_chairman',
      {
        outcome: refused ? 'refuse' : 'recognise',
        decisionNo: `${d.id}/QĐ-UBND`,
        decidedOn: `${d.year}-12-15`,
        ...(refused ? {} : { tier, year: d.year }),
        by: by('provincial_chairman'),
      },
    ],
  ];
  return steps.map(([type, fromState, toState, role, data], index) => ({
    eventId: uuidFor(d.id, index),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: {
        id: actorId(role, d.communeCode),
        role,
        unit: COMMUNE_SIDE.includes(role)
          ? d.communeCode
          : role === 'district_verifier'
            ? d.districtCode
            : provinceCode,
      },
      correlationId: uuidFor(`${d.id}-c`, index),
      occurredAt: at(index),
      workflow: { id: `commune-${tier}`, version: 1 },
      fromState,
      toState,
    },
  }));
}

const actorId = (role: string, communeCode: string) => `${role}-${communeCode}`;

/**
 * The n-th draw on a dossier-code counter, as `@ntm/application`'s counters append it (ADR 0016), for the stream
 * `counter-<counter>`: enough for the projector's tests, which never read a counter's data.
 */
export function sampleNumberDrawn(counter: string, n: number): NewEvent {
  return {
    eventId: uuidFor(`draw-${counter}`, n),
    type: 'NumberDrawn',
    schemaVersion: 1,
    data: { counter, number: n, purpose: 'dossierCode', dossierId: `d${n}` },
    metadata: {
      actor: { id: 'x', role: 'commune_official', unit: '01800' },
      correlationId: uuidFor(`draw-${counter}-c`, n),
      occurredAt: '2023-01-01T00:00:00.000Z',
    },
  };
}

/** A deterministic uuid-shaped id, so re-running a fixture appends the same event ids (idempotent retries). */
export function uuidFor(seed: string, index: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of `${seed}#${index}`) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 0x85ebca6b) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
