/**
 * The dossier's pinned workflow as a diagram drawn on the server (SVG, no script): the procedure's main path down
 * the left, the steps off it (returned, withdrawn, refused…) on the right, every transition of the workflow as a
 * thin grey arrow, the transitions this dossier actually took (from its history) thick and blue, the steps it
 * passed through shaded and the step it is in now outlined. Self-transitions (recording, attaching) are left out:
 * they do not move the dossier.
 */
import type { WorkflowDefinition } from '@ntm/domain';
import { html, type Html } from './html.js';
import type { Lang } from './i18n.js';
import { nameOf } from './vocabulary.js';

export interface TakenStep {
  fromState: string | null;
  toState: string | null;
}

const BOX_W = 230;
const BOX_H = 34;
const ROW = 52;
const SIDE_X = 330;
const MAIN_X = 20;

export function statechart(
  definition: WorkflowDefinition,
  mainPath: string[],
  taken: TakenStep[],
  current: string,
  lang: Lang,
  title: string,
): Html {
  const moves = definition.edges.filter((e) => e.from !== e.to && e.from !== 'draft');
  const states = [...new Set(moves.flatMap((e) => [e.from, e.to]))];
  const side = states.filter((s) => !mainPath.includes(s));
  const at = new Map<string, { x: number; y: number }>();
  mainPath.forEach((s, i) => at.set(s, { x: MAIN_X, y: 10 + i * ROW }));
  side.forEach((s, i) => at.set(s, { x: SIDE_X, y: 10 + (i * 2 + 1) * ROW }));
  const height = 20 + Math.max(mainPath.length, side.length * 2 + 1) * ROW;
  const width = SIDE_X + BOX_W + 20;
  const takenPairs = new Set(
    taken
      .filter((e) => e.fromState && e.toState && e.fromState !== e.toState)
      .map((e) => `${e.fromState}>${e.toState}`),
  );
  const visited = new Set(taken.flatMap((e) => [e.fromState ?? '', e.toState ?? '']));
  const pairs = [...new Map(moves.map((e) => [`${e.from}>${e.to}`, e])).values()];
  // Taken arrows last, so that they are drawn over the others.
  pairs.sort(
    (a, b) => Number(takenPairs.has(`${a.from}>${a.to}`)) - Number(takenPairs.has(`${b.from}>${b.to}`)),
  );

  const arrow = (from: string, to: string): Html => {
    const a = at.get(from);
    const b = at.get(to);
    if (!a || !b) return html``;
    const isTaken = takenPairs.has(`${from}>${to}`);
    const cls = isTaken ? 'sc-edge sc-taken' : 'sc-edge';
    const down = b.y > a.y;
    const x1 = a.x + BOX_W / 2;
    const y1 = down ? a.y + BOX_H : a.y;
    const x2 = b.x + BOX_W / 2;
    const y2 = down ? b.y : b.y + BOX_H;
    let d: string;
    if (a.x === b.x && Math.abs(b.y - a.y) === ROW) d = `M${x1} ${y1} L${x2} ${y2}`;
    else if (a.x === b.x) {
      // Skips over steps, or goes back: a curve beside the column, left for the main path.
      const bend = a.x === MAIN_X ? a.x - 10 : a.x + BOX_W + 10;
      const sx = a.x === MAIN_X ? a.x : a.x + BOX_W;
      d = `M${sx} ${a.y + BOX_H / 2} C${bend} ${a.y + BOX_H / 2} ${bend} ${b.y + BOX_H / 2} ${sx} ${b.y + BOX_H / 2}`;
    } else {
      const fromRight = a.x < b.x;
      const sx = fromRight ? a.x + BOX_W : a.x;
      const ex = fromRight ? b.x : b.x + BOX_W;
      d = `M${sx} ${a.y + BOX_H / 2} C${(sx + ex) / 2} ${a.y + BOX_H / 2} ${(sx + ex) / 2} ${b.y + BOX_H / 2} ${ex} ${b.y + BOX_H / 2}`;
    }
    return html`<path class="${cls}" d="${d}" marker-end="url(#${isTaken ? 'sc-arrow-taken' : 'sc-arrow'})"
      ><title>${nameOf('steps', from, lang)} → ${nameOf('steps', to, lang)}</title></path
    >`;
  };

  const box = (state: string): Html => {
    const p = at.get(state)!;
    const cls =
      state === current ? 'sc-state sc-current' : visited.has(state) ? 'sc-state sc-visited' : 'sc-state';
    return html`<g class="${cls}">
      <rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6" />
      <text x="${p.x + 10}" y="${p.y + 22}">${nameOf('steps', state, lang)}</text>
    </g>`;
  };

  return html`<svg
    class="statechart"
    role="img"
    aria-label="${title}"
    viewBox="0 0 ${width} ${height}"
    preserveAspectRatio="xMinYMin meet"
  >
    <defs>${marker('sc-arrow', '#b1b4b6', 7)} ${marker('sc-arrow-taken', '#1d70b8', 6)}</defs>
    ${pairs.map((e) => arrow(e.from, e.to))} ${states.filter((s) => at.has(s)).map(box)}
  </svg>`;
}

/** An arrowhead of the given colour and size. */
function marker(id: string, fill: string, size: number): Html {
  return html`<marker
    id="${id}"
    viewBox="0 0 10 10"
    refX="9"
    refY="5"
    markerWidth="${size}"
    markerHeight="${size}"
    orient="auto"
  >
    <path d="M0 0 L10 5 L0 10 z" fill="${fill}" />
  </marker>`;
}
