import { resolve } from 'node:path';

/**
 * The command's arguments without the `--` that `pnpm run x -- ...` may pass on, paths resolved against the
 * directory the user ran pnpm from (pnpm runs scripts at the workspace root).
 */
export function cliArguments(): string[] {
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const base = process.env['INIT_CWD'] ?? process.cwd();
  return args.map((a) => (a.startsWith('--') ? a : resolve(base, a)));
}
