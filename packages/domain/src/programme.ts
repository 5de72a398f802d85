/**
 * Which criteria a dossier is opened against, under the programme in force on its opening day: a tier the
 * programme does not have is refused (`TIER_NOT_IN_PROGRAMME`), a revocation at such a closed tier is judged on the
 * last set of that tier (`CLOSED_TIER_REVOCATION`), and a village or model commune gets its province's criteria.
 */
import type { OpenDossierBody } from '@ntm/contracts';
import type { DossierKind, DossierScope, Tier } from './model.js';
import { DomainError } from './errors.js';
import {
  CLOSED_TIER_REVOCATION,
  criteriaChoiceFor,
  lastCriteriaSetOf,
  programmeOn,
  type CriteriaChoice,
  type RulesRecorder,
  type UnitRegistry,
} from './reference/index.js';

const TIER_KIND = { ntm: 'COMMUNE_NTM', advanced: 'COMMUNE_ADVANCED', model: 'COMMUNE_MODEL' } as const;
/** The tier a dossier kind recognises; kinds that recognise none are not limited by the programme's tiers. */
const KIND_TIER: Partial<Record<DossierKind, Tier>> = {
  COMMUNE_NTM: 'ntm',
  COMMUNE_ADVANCED: 'advanced',
  COMMUNE_MODEL: 'model',
};

/** Refuses a dossier for a tier the programme in force on `today` does not have. */
export function assertTierInProgramme(kind: DossierKind, today: string, rec?: RulesRecorder): void {
  const tier = KIND_TIER[kind];
  const programme = programmeOn(today);
  if (tier === undefined) return;
  rec?.record(`programme:${programme.id}.tiers`, programme.tiers);
  if (programme.tiers.value.includes(tier)) return;
  throw new DomainError(
    'TIER_NOT_IN_PROGRAMME',
    `the ${tier} tier is not in the programme in force on ${today} (${programme.id}: ${programme.tiers.value.join(', ')}; ${programme.tiers.legalBasis})`,
    `mức ${tier} không có trong chương trình áp dụng ngày ${today} (${programme.titleVi}: ${programme.tiers.value.join(', ')})`,
    {
      tier,
      programme: programme.id,
      tiers: programme.tiers.value,
      confirmed: programme.tiers.confirmed,
    },
  );
}

/** The criteria set a dossier opened with `body` on `today` at `scope` is judged against, and the basis of it. */
export function openingCriteria(
  body: Pick<OpenDossierBody, 'kind' | 'targetRecognition'>,
  today: string,
  scope: DossierScope,
  units: UnitRegistry | undefined,
): CriteriaChoice {
  const place = { provinceCode: scope.provinceCode, communeCode: scope.communeCode, units };
  if (body.kind !== 'REVOCATION' || !body.targetRecognition)
    return criteriaChoiceFor(body.kind, today, place);
  const { tier } = body.targetRecognition;
  if (programmeOn(today).tiers.value.includes(tier)) return criteriaChoiceFor(TIER_KIND[tier], today, place);
  const set = lastCriteriaSetOf(TIER_KIND[tier], today);
  return {
    set,
    basis: {
      ...CLOSED_TIER_REVOCATION,
      value: set.id,
      legalBasis: `${set.legalRef}; ${CLOSED_TIER_REVOCATION.legalBasis}`,
    },
  };
}
