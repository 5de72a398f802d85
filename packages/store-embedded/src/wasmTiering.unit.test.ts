import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BASELINE_WASM_FLAGS } from './wasmTiering.js';

/**
 * In a child process (V8 flags are per process), the flags set at run time as `keepWasmOnBaselineTier` sets them,
 * then a small WebAssembly function (a counting loop) called until V8 would have optimised it. V8's own test
 * intrinsics (`--allow-natives-syntax`) tell which compiler's code the function runs.
 */
const probe = `
  const v8 = require('node:v8');
  for (const flag of JSON.parse(process.argv[1])) v8.setFlagsFromString(flag);
  // (func (export "f") (param i32) (result i32) (local i32): sums n, n-1, ..., 1 in a loop
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102,
    0, 0, 10, 27, 1, 25, 1, 1, 127, 3, 64, 32, 1, 32, 0, 106, 33, 1, 32, 0, 65, 1, 107, 34, 0, 13, 0, 11, 32, 1, 11]);
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
  let calls = 0;
  // Bounded by calls, not time: without the flags V8 optimises it within the first few hundred.
  while (calls < 3000 && !%IsTurboFanFunction(f)) { f(100000); calls++; }
  process.stdout.write(JSON.stringify({ sum: f(10), liftoff: %IsLiftoffFunction(f), turbofan: %IsTurboFanFunction(f), calls }));
`;

async function tierAfterHotCalls(flags: readonly string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--allow-natives-syntax',
    '-e',
    probe,
    JSON.stringify(flags),
  ]);
  return JSON.parse(stdout) as { sum: number; liftoff: boolean; turbofan: boolean; calls: number };
}

describe('PGlite WebAssembly on the baseline tier (ADR 0049)', () => {
  it('without the flags, V8 tiers a hot function up to its optimising compiler', async () => {
    const tier = await tierAfterHotCalls([]);
    expect(tier).toMatchObject({ sum: 55, liftoff: false, turbofan: true });
  });

  it('with the flags set at run time, the same hot function stays on the baseline compiler', async () => {
    const tier = await tierAfterHotCalls(BASELINE_WASM_FLAGS);
    expect(tier).toMatchObject({ sum: 55, liftoff: true, turbofan: false, calls: 3000 });
  });
});
