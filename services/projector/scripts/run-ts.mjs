// Runs a TypeScript entry point (with the workspace aliases of vitest.config.ts) in a child process, so the
// integration tests can start and kill real worker processes without a build. Usage: node run-ts.mjs <file.ts>
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const configFile = fileURLToPath(new URL('../../../vitest.config.ts', import.meta.url));
await runnerImport(process.argv[2], { configFile, logLevel: 'silent' });
