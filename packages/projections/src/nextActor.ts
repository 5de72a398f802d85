/**
 * "Who acts next": the role and the jurisdiction (unit code) whose inbox a dossier sits in, from its current step.
 * The machines name their steps; the read model only needs which office holds the file, so the mapping is by the
 * stage a step belongs to. The jurisdiction follows the role: commune-side roles act for the commune (or village),
 * district roles for the district, provincial roles for the province.
 */
import type { DossierView } from './dossierView.js';

export interface NextActor {
  role: string;
  unitCode: string;
}

/** First matching rule wins; ordered from the most specific stage names to the most generic. */
const STAGES: { match: RegExp; role: string; level: 'unit' | 'commune' | 'district' | 'province' }[] = [
  {
    match: /(recognised|refused|revoked|withdrawn|closed|announced|acknowledged|rejected)$/i,
    role: '',
    level: 'unit',
  },
  { match: /poll/i, role: 'front_officer', level: 'commune' },
  { match: /council/i, role: 'council_secretary', level: 'province' },
  { match: /(decision|awaiting_?decision|decide)/i, role: 'provincial_chairman', level: 'province' },
  { match: /(appraisal|appraising|forwarded|provincial)/i, role: 'provincial_appraiser', level: 'province' },
  { match: /(verification|verifying|submitted|district)/i, role: 'district_verifier', level: 'district' },
];

/** Returns undefined-free data: `null` when nobody has to act (a closed dossier). */
export function nextActor(view: DossierView): NextActor | null {
  for (const stage of STAGES) {
    if (!stage.match.test(view.step)) continue;
    if (stage.role === '') return null;
    return locate(view, stage.role, stage.level);
  }
  // Everything before submission is the commune's (or, for a village, the village head's) own work.
  return view.kind === 'VILLAGE_NTM'
    ? { role: 'village_head', unitCode: view.unitCode }
    : { role: 'commune_official', unitCode: view.communeCode };
}

function locate(
  view: DossierView,
  role: string,
  level: 'unit' | 'commune' | 'district' | 'province',
): NextActor {
  // After the 2025 reform there is no district: its verification falls to the province (workflow v2).
  if (level === 'district' && (view.districtCode === null || (view.workflowVersion ?? 1) >= 2)) {
    return { role: 'provincial_appraiser', unitCode: view.provinceCode };
  }
  const unitCode =
    level === 'unit'
      ? view.unitCode
      : level === 'commune'
        ? view.communeCode
        : level === 'district'
          ? (view.districtCode ?? view.provinceCode)
          : view.provinceCode;
  return { role, unitCode };
}
