/**
 * What `pnpm start` prints first: where the API and its docs are and, with the local development key, the demo
 * users and the exact command that mints their tokens (`pnpm run token`: pnpm 12 reserves `pnpm token`).
 */
import { demoUsers } from './demoUsers.js';

/** The command that prints a development token, as the docs give it. */
export const TOKEN_COMMAND = 'pnpm run token -- --role <role> --unit <code>';

/** The start banner, newline-terminated; demo users (in units valid on `today`) and the token command only when `localKeys`. */
export function startBanner(base: string, storeMode: string, localKeys: boolean, today: string): string {
  const lines = [`NTM dossier engine listening on ${base} — API docs at ${base}/docs`, `Store: ${storeMode}`];
  if (localKeys) {
    lines.push(`Demo users (role, unit) — get a token with: ${TOKEN_COMMAND}`);
    const users = demoUsers(today);
    for (const user of users) lines.push(`  ${user.role.padEnd(22)} ${user.unit.padEnd(14)} ${user.note}`);
    // -s keeps pnpm's own lines out of the captured token.
    lines.push(
      `Then: curl -H "Authorization: Bearer $(pnpm -s run token -- --role auditor --unit ${users.find((u) => u.role === 'auditor')!.unit})" ${base}/dossiers`,
    );
  }
  return `${lines.join('\n')}\n`;
}
