/**
 * Given/when/then for every transition of every machine: each edge of each workflow definition is fired from a
 * dossier brought to its source step, and must produce exactly its event, its target step and its deadline.
 * Edges on a journey are fired with the journey's own command; the others with a canned command.
 */
import { describe, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  nationalCalendar,
  WORKFLOWS,
  type DecidedEvent,
  type DossierCommand,
  type DecisionContext,
  type Edge,
  type DossierState,
  replay,
} from '@ntm/domain';
import { given } from './spec.js';
import {
  actorFor,
  allJourneys,
  councilBallotSteps,
  membersActing,
  reach,
  run,
  type BallotAct,
  type Journey,
} from './journeys.js';
import { at, sha } from './fixtures.js';

interface Witness {
  before: DecidedEvent[];
  command: DossierCommand;
  ctx: DecisionContext;
}

const key = (from: string, command: string, to: string) => `${from} -${command}-> ${to}`;

/** Every command a journey fires (main path and detours), keyed by the edge it took. */
function witnessesOf(journey: Journey): Map<string, Witness> {
  const found = new Map<string, Witness>();
  const record = (
    before: DecidedEvent[],
    step: { command: DossierCommand; ctx: DecisionContext },
    after: DecidedEvent[],
  ) => {
    const first = after[before.length];
    if (first) found.set(key(first.fromState, step.command.type, first.toState), { before, ...step });
  };
  let events: DecidedEvent[] = [];
  for (const step of journey.steps) {
    const next = run([step], undefined, events).events;
    record(events, step, next);
    events = next;
  }
  for (const [name, detour] of Object.entries(journey.detours)) {
    const before = reach(journey, detour.after).events;
    record(before, detour.step, reach(journey, name).events);
  }
  return found;
}

/** A valid command for an edge no journey takes; the commands here need no figures beyond the dossier's own. */
function canned(edge: Edge, state: DossierState): Record<string, unknown> {
  switch (edge.command) {
    case 'AttachDocument':
      return {
        documentId: 'doc-extra',
        documentKind: 'other',
        number: '1/CV',
        issuedOn: state.openedOn,
        issuingBody: 'UBND',
        signer: { name: 'Trần Thị B', title: 'Phó Chủ tịch' },
        copy: 'copy',
        sha256: sha('extra'),
      };
    case 'AttachDocumentFile':
      return {
        documentId: 'doc-extra-file',
        documentKind: 'other',
        sha256: sha('extra file'),
        size: 1024,
        mediaType: 'application/pdf',
      };
    case 'WithdrawDossier':
      return { reason: 'Rút để bổ sung' };
    case 'ReturnDossier':
      return { reasons: [{ code: 'OTHER', detail: 'Bổ sung hồ sơ' }] };
    case 'RecordSelfAssessment':
      return { criterionCode: state.criteriaCodes[0], met: true, indicators: [], evidence: [] };
    case 'ResubmitDossier':
      return { letterNo: '46/TTr-UBND', changes: 'Đã bổ sung' };
    case 'RecordComment':
      return { commentId: 'c-extra', receivedOn: state.openedOn, text: 'Góp ý' };
    case 'DecideRecognition':
      return {
        outcome: edge.to === 'refused' ? 'refuse' : 'recognise',
        decisionNo: '9/QĐ',
        decidedOn: state.openedOn,
      };
    case 'ElapseDeadline':
      return { deadlineId: state.deadlines[0]?.deadlineId };
    case 'ExtendDeadline':
      return { deadlineId: state.deadlines[0]?.deadlineId, workingDays: 5, reason: 'Cần kiểm tra thực tế' };
    case 'IssueApology': {
      // Issued the day after the due day, with a return date three working days on.
      const late = addCalendarDays(state.deadlines[0]!.dueOn, 1);
      return {
        deadlineId: state.deadlines[0]?.deadlineId,
        newReturnOn: addWorkingDays(late, 3, nationalCalendar()),
        reason: 'Hồ sơ cần lấy thêm ý kiến',
      };
    }
    case 'PublishResults':
      return { subject: 'consultation', publishedOn: state.openedOn, channel: 'commune_office' };
    case 'DecideAcknowledgement':
      return { outcome: 'refuse', decisionNo: '9/QĐ', decidedOn: state.openedOn };
    case 'CastCouncilVote':
      return { vote: 'approve' };
    case 'RecuseFromCouncil':
      return { reason: 'Xung đột lợi ích' };
    case 'CloseCouncilBallot':
      return {};
    default:
      throw new Error(`no canned command for ${edge.command}`);
  }
}

for (const journey of allJourneys()) {
  const opened = run(journey.steps.slice(0, 1)).state as DossierState;
  const wf = WORKFLOWS.find((w) => w.id === opened.workflow.id && w.version === opened.workflow.version);
  if (!wf) throw new Error(`no workflow for ${journey.name}`);
  describe(`${wf.id} v${wf.version}: every transition`, () => {
    const witnesses = witnessesOf(journey);
    for (const edge of wf.definition.edges) {
      it(key(edge.from, edge.command, edge.to), () => {
        /**
         * The edge's event, then its clock: a supplement request (a return for documents only) stops each running
         * deadline; the edge's deadline restarts a stopped one of its step, else starts afresh.
         */
        const expectedAfter = (before: DossierState | undefined, command: DossierCommand) => {
          const reasons = (command['reasons'] ?? []) as { code: string }[];
          const supplement =
            command.type === 'ReturnDossier' &&
            reasons.length > 0 &&
            reasons.every((r) => ['DOCUMENT_MISSING', 'DOCUMENT_INVALID'].includes(r.code));
          const resumes = before?.suspendedDeadlines?.some((x) => x.step === edge.deadline);
          return [
            { fromState: edge.from, toState: edge.to },
            ...(supplement
              ? (before?.deadlines ?? []).map(() => ({ type: 'DeadlineSuspended', toState: edge.to }))
              : []),
            ...(edge.deadline
              ? [
                  {
                    type: resumes ? 'DeadlineResumed' : 'DeadlineScheduled',
                    data: { step: edge.deadline },
                    fromState: edge.to,
                    toState: edge.to,
                  },
                ]
              : []),
          ];
        };
        const witness = witnesses.get(key(edge.from, edge.command, edge.to));
        if (witness) {
          given(witness.before)
            .when(witness.command, witness.ctx)
            .then(
              expectedAfter(witness.before.length > 0 ? replay(witness.before) : undefined, witness.command),
            );
          return;
        }
        const { events, state, now } = reach(journey, edge.from);
        const cannedReturn = edge.command === 'ReturnDossier' ? canned(edge, state) : {};
        const expected = expectedAfter(state, { type: edge.command, ...cannedReturn });
        // A deadline can only elapse, or be apologised for, after its due day.
        const late = edge.command === 'ElapseDeadline' || edge.command === 'IssueApology';
        const due = late ? state.deadlines[0]?.dueOn : undefined;
        const ctx = {
          now: due ? at(addCalendarDays(due, 1)) : now,
          actor: actorFor(journey, edge.roles[0]!),
        };
        if (edge.command === 'CloseCouncilBallot') {
          // The ballot's outcome is the members' votes: all nine approve, a split vote, or too few to count.
          const acts: Record<string, Record<string, BallotAct>> = {
            councilApproved: membersActing(9, 'approve'),
            councilNotApproved: { ...membersActing(9, 'reject'), ...membersActing(5, 'approve') },
            appraised: membersActing(2, 'approve'),
          };
          const secretary = actorFor(journey, 'council_secretary');
          const date = String(now).slice(0, 10);
          const votes = councilBallotSteps(journey.dossierId, secretary, date, acts[edge.to] ?? {}, {
            close: false,
          }).slice(1);
          const withVotes = run(votes, undefined, events).events;
          given(withVotes)
            .when({ type: edge.command, dossierId: journey.dossierId }, { now: at(date), actor: secretary })
            .then(expected);
          return;
        }
        if (edge.command === 'RespondToComment') {
          const comment = {
            type: 'RecordComment',
            dossierId: journey.dossierId,
            ...canned({ ...edge, command: 'RecordComment' }, state),
          };
          const withComment = run([{ command: comment, ctx }], undefined, events).events;
          given(withComment)
            .when(
              {
                type: 'RespondToComment',
                dossierId: journey.dossierId,
                commentId: 'c-extra',
                response: 'Tiếp thu',
              },
              ctx,
            )
            .then(expected);
          return;
        }
        const command = { type: edge.command, dossierId: journey.dossierId, ...canned(edge, state) };
        given(events).when(command, ctx).then(expected);
      });
    }
  });
}
