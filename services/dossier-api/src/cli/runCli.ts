/**
 * The audit commands' common frame: the arguments after pnpm's literal "--", the configured stores opened and
 * closed around the work, and the exit code (the work's, or `failCode` with the message on stderr when it throws).
 */
import { loadConfig, openInfrastructure, type Config, type Infrastructure } from '@ntm/runtime';

export function runCli(
  name: string,
  work: (context: { args: string[]; config: Config; infra: Infrastructure }) => Promise<number>,
  options: { usage?: string; failCode?: number } = {},
): void {
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const main = async () => {
    const config = loadConfig();
    const infra = await openInfrastructure(config, { applicationName: name });
    try {
      return await work({ args, config, infra });
    } finally {
      await infra.close();
    }
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${message}\n${options.usage ? `${options.usage}\n` : ''}`);
      process.exitCode = options.failCode ?? 1;
    },
  );
}
