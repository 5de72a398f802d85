/**
 * Realistic dossier histories in the store's envelope, for the projection tests and the benchmark while the
 * decider is not in the loop: a commune NTM dossier from opening to decision, step by step, with the actor,
 * workflow pin and step transition every event carries.
 */
import type { NewEvent } from '@ntm/event-store';

export interface SampleDossier {
  /** dossier id; the stream is `dossier-<id>` */
  id: string;
  communeCode: string;
  districtCode: string;
  provinceCode?: string;
  year: number;
  /** default COMMUNE_NTM */
  kind?: 'COMMUNE_NTM' | 'COMMUNE_ADVANCED' | 'COMMUNE_MODEL' | 'VILLAGE_NTM';
  /** default the commune code */
  unitCode?: string;
  /** criteria met out of 19, default 19 */
  criteriaMet?: number;
  /** final outcome, default recognised */
  outcome?: 'recognised' | 'refused';
}

type Step = [type: string, from: string, to: string, role: string, data: NewEvent['data']];

/** The events of one dossier's history, in order; `at(i)` gives each event's occurredAt. */
export function sampleDossierEvents(d: SampleDossier, at: (index: number) => string): NewEvent[] {
  const kind = d.kind ?? 'COMMUNE_NTM';
  const provinceCode = d.provinceCode ?? '06';
  const met = d.criteriaMet ?? 19;
  const steps: Step[] = [
    [
      'DossierOpened',
      'none',
      'preparing',
      'commune_official',
      {
        kind,
        year: d.year,
        scope: {
          unitCode: d.unitCode ?? d.communeCode,
          communeCode: d.communeCode,
          districtCode: d.districtCode,
          provinceCode,
        },
      },
    ],
    ...Array.from({ length: 19 }, (_, i): Step => [
      'SelfAssessmentRecorded',
      'preparing',
      'preparing',
      'commune_official',
      { criterion: String(i + 1), met: i < met, evidence: [`doc-${i + 1}`] },
    ]),
    ['PublicNoticeOpened', 'preparing', 'public_notice', 'commune_official', { channel: 'commune_hall' }],
    ['PublicNoticeClosed', 'public_notice', 'poll', 'commune_official', {}],
    ['PollReportIssued', 'poll', 'proposal_meeting', 'front_officer', { satisfied: 0.93 }],
    [
      'ProposalMeetingHeld',
      'proposal_meeting',
      'ready_to_submit',
      'commune_official',
      { attendees: 40, for: 38 },
    ],
    ['DossierSubmitted', 'ready_to_submit', 'district_verification', 'commune_official', { version: 1 }],
    [
      'DeadlineScheduled',
      'district_verification',
      'district_verification',
      'district_verifier',
      { deadlineId: 'verification', step: 'district_verification', dueAt: at(100).slice(0, 10) },
    ],
    ['VerificationReportIssued', 'district_verification', 'provincial_appraisal', 'district_verifier', {}],
    ['AppraisalReportIssued', 'provincial_appraisal', 'council_meeting', 'provincial_appraiser', {}],
    [
      'CouncilMeetingHeld',
      'council_meeting',
      'awaiting_decision',
      'council_secretary',
      { present: 9, for: 8 },
    ],
    [
      'RecognitionDecided',
      'awaiting_decision',
      d.outcome === 'refused' ? 'refused' : 'recognised',
      'provincial_chairman',
      {
        outcome: d.outcome === 'refused' ? 'refuse' : 'recognise',
        decisionNo: `${d.id}/QĐ-UBND`,
        decisionDate: `${d.year}-12-15`,
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
        id: `${role}-${d.communeCode}`,
        role,
        unit: role.startsWith('commune') ? d.communeCode : provinceCode,
      },
      correlationId: uuidFor(`${d.id}-c`, index),
      occurredAt: at(index),
      workflow: { id: 'commune-ntm', version: 1 },
      fromState,
      toState,
    },
  }));
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
