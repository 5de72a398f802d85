// Types of bundleStart.mjs, for the tests that import it.
import type { Metafile } from 'esbuild';

export function packageOf(file: string): string | undefined;
export const PLACE_BOUND: RegExp;
export function keepOwnUrl(source: string, file: string, outdir: string): string;
export function packagesLeftOut(seeds: Iterable<string>, imports: Map<string, Set<string>>): Set<string>;
export function bundleStart(
  entry: string,
  outdir: string,
  options?: { sources?: boolean },
): Promise<{ left: Set<string>; metafile: Metafile }>;
