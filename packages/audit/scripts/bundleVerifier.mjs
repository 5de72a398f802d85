// Bundles the offline verifier (src/cli/verify.ts and everything it imports: the domain's machines and rule sets,
// the hash chain, jose, tar-stream) into one file that needs only Node: dist/ntm-audit-verify.mjs. Run by
// `pnpm build` after tsc; `node bundleVerifier.mjs <outfile>` writes it elsewhere (the test does). Workspace
// packages resolve to their sources, so it needs no other package built.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

await build({
  entryPoints: [`${here}src/cli/verify.ts`],
  outfile: process.argv[2] ?? `${here}dist/ntm-audit-verify.mjs`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'eof',
  banner: {
    // Some bundled CommonJS modules call require() for Node built-ins.
    js: "#!/usr/bin/env node\nimport { createRequire as __ntmCreateRequire } from 'node:module';\nconst require = __ntmCreateRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'ntm-sources',
      setup(b) {
        b.onResolve({ filter: /^@ntm\/[a-z0-9-]+$/ }, (args) => ({
          path: `${root}packages/${args.path.slice('@ntm/'.length)}/src/index.ts`,
        }));
      },
    },
  ],
  logLevel: 'warning',
});
