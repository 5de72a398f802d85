/**
 * Numbers the engine gives (docs/adr/0016-numbers-from-counter-streams.md): the dossier code (mã hồ sơ) on the first
 * submission and the number and symbol (số, ký hiệu) of a decision. Pure: which counter a command draws from and
 * how a drawn number is written; drawing is the application's (a conditional append to the counter's stream).
 */
import type { RuleParameter } from './reference/index.js';
import type { DomainActor } from './model.js';
import type { DossierState } from './state.js';

/** How numbers are written; secondary sources only (egov-conventions.md), so none is confirmed. */
export const NUMBERING = {
  version: 1,
  dossierCode: {
    value: { sequenceDigits: 4 },
    legalBasis:
      'Decree 118/2025/NĐ-CP one-stop systems: V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX (receiving agency, receipt ' +
      "date, the day's 4-digit sequence) [secondary source]",
    confirmed: false,
    note:
      'The receiving agency is written as its administrative unit code (the province, or the commune for a ' +
      "village's dossier) until the agencies' electronic codes (QĐ 20/2020/QĐ-TTg) are loaded as data.",
  },
  decisionNo: {
    value: { symbol: 'QĐ-UBND', minDigits: 2 },
    legalBasis:
      'Decree 30/2020/NĐ-CP: one counter per issuer per calendar year from 01, the number given after signing ' +
      '[secondary source]',
    confirmed: false,
  },
} as const satisfies { version: number } & Record<string, unknown> & {
    dossierCode: RuleParameter<{ sequenceDigits: number }>;
    decisionNo: RuleParameter<{ symbol: string; minDigits: number }>;
  };

/** One number to draw: the counter (one stream each) and how to write the number once drawn. */
export interface NumberRequest {
  /** counter name, e.g. `dossier-code-19-250826` or `decision-19-2025` */
  counter: string;
  /** what the number is for, part of the draw's id so a retried command gets the same number */
  purpose: 'dossierCode' | 'decisionNo';
  format(n: number): string;
}

const DECISION_COMMANDS: ReadonlySet<string> = new Set([
  'DecideRecognition',
  'DecideRevocation',
  'DecideAcknowledgement',
  'DecideComplaint',
]);

/**
 * The numbers `command` needs on `state` at `today` (Vietnam date): a dossier code on the first submission, a
 * decision number when a decision names none. `decider` is the actor the decision is taken for (the chairman's
 * committee issues it).
 */
export function numbersNeeded(
  state: DossierState | undefined,
  command: { type: string; decisionNo?: unknown },
  today: string,
  decider: DomainActor,
): NumberRequest[] {
  if (state === undefined) return [];
  if (command.type === 'SubmitDossier' && !state.dossierCode) {
    const agency = receivingAgency(state);
    const day = today.slice(2).replaceAll('-', '');
    return [
      {
        counter: `dossier-code-${agency}-${day}`,
        purpose: 'dossierCode',
        format: (n) => formatDossierCode(agency, day, n),
      },
    ];
  }
  if (DECISION_COMMANDS.has(command.type) && command.decisionNo === undefined) {
    const issuer = decider.unit;
    return [
      {
        counter: `decision-${issuer}-${today.slice(0, 4)}`,
        purpose: 'decisionNo',
        format: formatDecisionNo,
      },
    ];
  }
  return [];
}

/** The agency that receives the dossier: the commune for a village's dossier, the province otherwise. */
export function receivingAgency(state: Pick<DossierState, 'kind' | 'scope'>): string {
  const { scope } = state;
  return state.kind === 'VILLAGE_NTM' || scope.unitCode !== scope.communeCode
    ? scope.communeCode
    : scope.provinceCode;
}

/** `19-250826-0001`: agency, receipt date YYMMDD, the day's sequence (4 digits, more past 9999). */
export function formatDossierCode(agency: string, yymmdd: string, n: number): string {
  return `${agency}-${yymmdd}-${String(n).padStart(NUMBERING.dossierCode.value.sequenceDigits, '0')}`;
}

/** `01/QĐ-UBND`: the year's number from 01, then the symbol. */
export function formatDecisionNo(n: number): string {
  const { symbol, minDigits } = NUMBERING.decisionNo.value;
  return `${String(n).padStart(minDigits, '0')}/${symbol}`;
}
