/**
 * Kiểm phiếu — the running tally of a dossier's open council ballot, as each role may see it (ADR 0022). Anyone who
 * may read the dossier sees how many members voted and whether the quorum is reached; the secretary (who runs the
 * ballot) and auditors also see the counts for and against and who voted or recused; a member sees their own vote.
 * How each member voted is never shown here: it is in the audit trail only.
 */
import type { DomainActor } from './model.js';
import type { CouncilVote, DossierState } from './state.js';
import { ruleSetById, shareMet, type ShareThreshold } from './reference/index.js';

export interface CouncilTally {
  ballotNo: string;
  heldOn: string;
  membersTotal: number;
  votesCast: number;
  recusedCount: number;
  quorum: { required: ShareThreshold; met: boolean; confirmed: boolean };
  approvalShare: { required: ShareThreshold; confirmed: boolean };
  /** secretary and auditors: the counts so far */
  counts?: { for: number; against: number; blank: number } | undefined;
  /** secretary and auditors: who voted, who recused, who has not acted yet */
  voterIds?: string[] | undefined;
  recusedMemberIds?: string[] | undefined;
  pendingMemberIds?: string[] | undefined;
  /** a member: their own part in the ballot */
  mine?: { eligible: boolean; vote?: CouncilVote | undefined; recused: boolean } | undefined;
}

const SEES_TALLY: readonly string[] = ['council_secretary', 'auditor'];

/** The open ballot's tally for `actor`; undefined when no ballot is open. */
export function councilTally(state: DossierState, actor: DomainActor): CouncilTally | undefined {
  const b = state.councilBallot;
  if (!b) return undefined;
  const rules = ruleSetById(state.ruleSet.id, state.ruleSet.version).council;
  const voterIds = Object.keys(b.votes);
  const votes = Object.values(b.votes);
  const count = (v: CouncilVote) => votes.filter((x) => x === v).length;
  const tally: CouncilTally = {
    ballotNo: b.ballotNo,
    heldOn: b.heldOn,
    membersTotal: b.memberIds.length,
    votesCast: voterIds.length,
    recusedCount: b.recused.length,
    quorum: {
      required: rules.quorum.value,
      met: shareMet(voterIds.length, b.memberIds.length, rules.quorum.value),
      confirmed: rules.quorum.confirmed,
    },
    approvalShare: { required: rules.approvalShare.value, confirmed: rules.approvalShare.confirmed },
  };
  if (SEES_TALLY.includes(actor.role)) {
    return {
      ...tally,
      counts: { for: count('approve'), against: count('reject'), blank: count('abstain') },
      voterIds,
      recusedMemberIds: b.recused,
      pendingMemberIds: b.memberIds.filter((id) => !voterIds.includes(id) && !b.recused.includes(id)),
    };
  }
  if (actor.role === 'council_member') {
    const vote = b.votes[actor.id];
    return {
      ...tally,
      mine: {
        eligible: b.memberIds.includes(actor.id),
        ...(vote ? { vote } : {}),
        recused: b.recused.includes(actor.id),
      },
    };
  }
  return tally;
}
