/**
 * What a journey is, and the step builders every workflow's journey shares: commands, attached documents and
 * self-assessments of every criterion, with the actors and dates the law expects.
 */
import { criteriaSetFor, type DecisionContext, type DossierCommand, type DossierKind } from '@ntm/domain';
import { sha } from '../fixtures.js';

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
