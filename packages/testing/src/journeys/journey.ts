/**
 * What a journey is, and the step builders every workflow's journey shares: commands, attached documents and
 * self-assessments of every criterion, with the actors and dates the law expects.
 */
import {
  criteriaSetFor,
  type DecisionContext,
  type DomainActor,
  type DossierCommand,
  type DossierKind,
} from '@ntm/domain';
import { at, COUNCIL_MEMBERS, sha } from '../fixtures.js';

/** One command with the context it is decided in. */
export interface JourneyStep {
  command: DossierCommand;
  ctx: DecisionContext;
}

/** A named path through a workflow. `detours` reach steps off the main path: from a main-path step, one command. */
export interface Journey {
  name: string;
  dossierId: string;
  steps: JourneyStep[];
  detours: Record<string, { after: string; step: JourneyStep }>;
}

export const cmd = (dossierId: string, type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId,
  ...body,
});

export function doc(documentKind: string, n: number, issuedOn: string, issuingBody: string) {
  return {
    documentId: `doc-${documentKind}`,
    documentKind,
    number: `${n}/BC-UBND`,
    issuedOn,
    issuingBody,
    signer: { name: 'Nguyễn Văn A', title: 'Chủ tịch' },
    copy: 'original',
    sha256: sha(documentKind),
  };
}

export const selfAssessments = (
  id: string,
  kind: DossierKind,
  date: string,
  ctx: DecisionContext,
): JourneyStep[] =>
  criteriaSetFor(kind, date).criteria.map((c) => ({
    command: cmd(id, 'RecordSelfAssessment', {
      criterionCode: c.code,
      met: true,
      indicators: [{ code: `${c.code}.1`, value: true }],
      evidence: [{ description: `evidence for criterion ${c.code}` }],
    }),
    ctx,
  }));

export const attach = (
  id: string,
  kinds: readonly string[],
  date: string,
  body: string,
  ctx: DecisionContext,
): JourneyStep[] =>
  kinds.map((k, i) => ({ command: cmd(id, 'AttachDocument', doc(k, i + 1, date, body)), ctx }));

/** What a council member does in an electronic ballot: a vote, or a recusal. */
export type BallotAct = 'approve' | 'reject' | 'abstain' | 'recuse';

/** A council member of the secretary's province, as the member signs in. */
export const councilMember = (id: string, secretary: DomainActor): DomainActor => ({
  id,
  role: 'council_member',
  unit: secretary.unit,
});

/**
 * The electronic council ballot (ADR 0022) on `date`: the secretary opens it for `members` (default: the nine
 * fixture members), each member in `acts` votes or recuses in turn, and, unless `close` is false, the secretary
 * closes it.
 */
export function councilBallotSteps(
  id: string,
  secretary: DomainActor,
  date: string,
  acts: Record<string, BallotAct>,
  options: { ballotNo?: string; members?: readonly string[]; close?: boolean } = {},
): JourneyStep[] {
  const ctx = (actor: DomainActor): DecisionContext => ({ now: at(date), actor });
  const ballotNo = options.ballotNo ?? `HĐ-${date}`;
  return [
    {
      command: cmd(id, 'OpenCouncilBallot', {
        ballotNo,
        heldOn: date,
        memberIds: [...(options.members ?? COUNCIL_MEMBERS)],
      }),
      ctx: ctx(secretary),
    },
    ...Object.entries(acts).map(([member, act]) => ({
      command:
        act === 'recuse'
          ? cmd(id, 'RecuseFromCouncil', { reason: 'Có quan hệ gia đình với lãnh đạo xã' })
          : cmd(id, 'CastCouncilVote', { vote: act }),
      ctx: ctx(councilMember(member, secretary)),
    })),
    ...(options.close === false ? [] : [{ command: cmd(id, 'CloseCouncilBallot'), ctx: ctx(secretary) }]),
  ];
}

/** Acts of the first `n` fixture members, all the same. */
export const membersActing = (n: number, act: BallotAct): Record<string, BallotAct> =>
  Object.fromEntries(COUNCIL_MEMBERS.slice(0, n).map((m) => [m, act]));
