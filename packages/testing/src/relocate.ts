/**
 * The journeys are written for Bắc Kạn and Thái Nguyên; `relocate` moves one to any unit of the country by code, so
 * a test can carry a dossier of another province with its own units (issue 14). `driveSteps` sends a journey's
 * steps over HTTP and stops at the first answer that is not a success, with the server's problem in the message.
 */
import type { DecisionContext, DomainActor } from '@ntm/domain';
import type { JourneyStep } from './journeys/journey.js';
import { specOf, type CommandAnswer } from './sendCommand.js';

/** Unit codes to replace, old → new (commune, district, province, as the journey uses them). */
export type CodeMap = Readonly<Record<string, string>>;

/** A unit code, or an id derived from one (`<commune>-<village>`), moved by `codes`; anything else unchanged. */
function moved(value: string, codes: CodeMap): string {
  const exact = codes[value];
  if (exact !== undefined) return exact;
  const dash = value.indexOf('-');
  const head = dash > 0 ? codes[value.slice(0, dash)] : undefined;
  return head !== undefined ? `${head}${value.slice(dash)}` : value;
}

/** The fields of a command that name a unit (criterion codes and the like share their digits: never touched). */
const UNIT_FIELDS = new Set(['unitCode', 'communeCode', 'districtCode', 'provinceCode', 'villageId']);

function moveDeep<T>(value: T, codes: CodeMap, field?: string): T {
  if (typeof value === 'string') return (field && UNIT_FIELDS.has(field) ? moved(value, codes) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => moveDeep(v, codes, field)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, moveDeep(v, codes, k)])) as T;
  }
  return value;
}

const moveActor = (actor: DomainActor, codes: CodeMap): DomainActor => ({
  ...actor,
  unit: moved(actor.unit, codes),
});

/**
 * The steps with the unit fields of their commands, and the units of their actors, moved by `codes` (e.g.
 * `{ '02032': '16747', '064': '415', '06': '40' }`: Tân Lập, Chợ Đồn, Bắc Kạn → Hạnh Dịch, Quế Phong, Nghệ An).
 * Actor ids, dates and figures stay as they are.
 */
export function relocate(steps: readonly JourneyStep[], codes: CodeMap): JourneyStep[] {
  return steps.map(({ command, ctx }) => {
    const moveCtx: DecisionContext = {
      ...ctx,
      actor: moveActor(ctx.actor, codes),
      ...(ctx.onBehalfOf ? { onBehalfOf: moveActor(ctx.onBehalfOf, codes) } : {}),
    };
    return { command: moveDeep(command, codes), ctx: moveCtx };
  });
}

/** Where a client driving one dossier stands: its id (after the opening) and the ETag of its last answer. */
export interface DriveCursor {
  dossierId?: string | undefined;
  etag?: string | undefined;
}

/**
 * Sends `steps` in order through `send` (a test server's `sendStep`), each expected to succeed (201 for the
 * opening, 200 after); throws at the first other answer, naming the command and the problem. Returns the cursor.
 */
export async function driveSteps(
  send: (step: JourneyStep, cursor: DriveCursor) => Promise<CommandAnswer>,
  steps: readonly JourneyStep[],
  cursor: DriveCursor = {},
): Promise<DriveCursor> {
  for (const step of steps) {
    const answer = await send(step, cursor);
    const expected = specOf(step.command.type).creates ? 201 : 200;
    if (answer.status !== expected) {
      throw new Error(
        `${step.command.type} as ${step.ctx.actor.role} (${step.ctx.actor.unit}): ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
  }
  return cursor;
}
