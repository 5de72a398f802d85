/**
 * The Bắc Kạn seed (shared/domain/bac-kan-targets-2021-2025.json), validated once at load for the parts the
 * reference data uses. Names in it are display text only: units are matched by GSO code.
 */
import { z } from 'zod';
import seed from '../../data/bac-kan-targets-2021-2025.json' with { type: 'json' };
import { ReferenceDataError } from '../ReferenceDataError.js';

const code = z.string().regex(/^\d{2,5}$/);
const tier = z.enum(['ntm', 'advanced', 'model']);
const countByName = z.record(z.string(), z.number().int().nonnegative());

const SeedSchema = z.object({
  province: z.object({
    name: z.string(),
    gso_code: code,
    merged_into: z.object({ name: z.string(), gso_code_after_1_7_2025: code, basis: z.string() }),
  }),
  baseline_stated_in_seed: z.object({
    communes_ntm: z.number().int(),
    communes_total: z.number().int(),
    communes_advanced: z.number().int(),
    villages_ntm: z.number().int(),
  }),
  targets_2021_2025: z.object({
    district_level: z.object({ target_total: z.number().int() }),
    communes_ntm: z.object({
      stated_total: z.number().int(),
      stated_added_in_period: z.number().int(),
      stated_count_by_district: countByName,
    }),
    communes_advanced: z.object({ stated_added_in_period: z.number().int() }),
    communes_model: z.object({ stated_total: z.number().int() }),
    villages_ntm: z.object({
      stated_total: z.number().int(),
      stated_added_2022_2025: z.number().int(),
      by_district_2022_2025: countByName,
    }),
  }),
  districts: z.array(
    z.object({
      code,
      name: z.string(),
      communes_xa_2022: z.number().int(),
      units_2022: z.array(
        z.object({
          code,
          name: z.string(),
          type: z.enum(['Xã', 'Phường', 'Thị trấn']),
          post_2025_unit: z.string(),
          post_2025_code: code,
        }),
      ),
    }),
  ),
  target_communes: z.array(
    z.object({
      code,
      district_code: code,
      targets_2021_2025: z.array(tier),
      known_status: z.array(z.string()),
    }),
  ),
  post_2025_units_from_former_bac_kan: z.object({
    count: z.number().int(),
    units: z.array(
      z.object({ new_unit: z.string(), new_code: code, former_bac_kan_units: z.array(z.string()) }),
    ),
  }),
});

export type BacKanSeed = z.infer<typeof SeedSchema>;

/** Parses a seed document; throws `SEED_INVALID` with the zod issues when it does not match. */
export function parseBacKanSeed(doc: unknown): BacKanSeed {
  const parsed = SeedSchema.safeParse(doc);
  if (!parsed.success) {
    throw new ReferenceDataError('SEED_INVALID', 'the Bắc Kạn seed does not match its schema', {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

let cached: BacKanSeed | undefined;

/** The bundled seed, parsed on first use. */
export function bacKanSeed(): BacKanSeed {
  cached ??= parseBacKanSeed(seed);
  return cached;
}
