/**
 * PGlite's WebAssembly on V8's baseline compiler only (ADR 0049). By default V8 compiles each function with Liftoff
 * on its first call and, once it has run a while, again with TurboFan on helper threads. Opening the database and
 * a start's first statements run enough of PostgreSQL to send many of its functions to TurboFan: about 40 %
 * of the CPU a start spends before `/health`, 60-85 MB of code and compiler memory, and a wait of the main thread
 * on those helper threads. Without the tier-up the same code runs a few percent slower afterwards.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * The flags, both documented V8 options rather than `--liftoff-only` (which V8 marks as for testing and which
 * implies the same two): no tier-up decided by a function's run time, and none at all.
 */
export const BASELINE_WASM_FLAGS = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'] as const;

/**
 * Keeps WebAssembly compiled from now on, in this process, on the baseline tier. Call it before PGlite compiles
 * its module (before `PGlite.create`): a module already compiled keeps the tiering it was compiled with. V8 ignores
 * a flag it no longer knows, so a later Node only loses the saving.
 */
export function keepWasmOnBaselineTier(): void {
  for (const flag of BASELINE_WASM_FLAGS) setFlagsFromString(flag);
}
