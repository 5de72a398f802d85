// `pnpm build`'s step after tsc: `pnpm start`'s entry bundled with esbuild, so that a start evaluates a few dozen
// files instead of resolving, reading and linking about a thousand modules one by one (ADR 0066). Bundled: the
// workspace's compiled code and every package that works wherever its code sits. Left in node_modules, imported
// by relative path from the bundle: any package whose code finds files beside itself (`__dirname`,
// `import.meta.url`, `require.resolve`, a `require` of a computed name: PGlite's WebAssembly, pino's workers,
// swagger-ui's pages…), and everything those packages import, so that no package is ever loaded twice. The
// workspace's own `import.meta.url` is rewritten to the URL of the compiled file it came from, so its
// `new URL('…', import.meta.url)` finds what it found before (the data-folder template, the fonts).
//
//   node services/web/scripts/bundleStart.mjs [<entry.js> <outdir>]…
//
// Without arguments: `pnpm start`'s entry and bench:start's (test/bench), as `pnpm build` needs them.
import { build } from 'esbuild';
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The package a file belongs to: its folder under node_modules/.pnpm, or undefined for the workspace's own code. */
export function packageOf(file) {
  const m =
    /[\\/]node_modules[\\/]\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+[\\/]/.exec(file);
  return m ? file.slice(0, m.index + m[0].length) : undefined;
}

/** Code that finds files relative to where it sits, or requires names it computes: it must stay where it is. */
export const PLACE_BOUND =
  /\b__dirname\b|\b__filename\b|\bimport\.meta\.(?:url|resolve|dirname|filename)\b|\brequire\.resolve\b/;

/** `import.meta.url` of a workspace file, as the URL that file had before bundling (the bundle sits in `outdir`). */
export function keepOwnUrl(source, file, outdir) {
  const from = relative(outdir, file).split(sep).join('/');
  return source.replaceAll('import.meta.url', `new URL(${JSON.stringify(from)}, import.meta.url).href`);
}

/**
 * The packages to leave in node_modules: the place-bound ones (`seeds`) and everything they import, transitively
 * (`imports`: package → packages its files import), so that a package is either wholly bundled or never.
 */
export function packagesLeftOut(seeds, imports) {
  const out = new Set(seeds);
  const todo = [...seeds];
  while (todo.length > 0)
    for (const next of imports.get(todo.pop()) ?? [])
      if (!out.has(next)) {
        out.add(next);
        todo.push(next);
      }
  return out;
}

const common = (entry, outdir) => ({
  entryPoints: [entry],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS calls require() for Node's built-ins and for the packages left in node_modules.
  banner: {
    js: "import { createRequire as __ntmCreateRequire } from 'node:module';\nconst require = __ntmCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'silent',
});

/** Rewrites the workspace's `import.meta.url` (see above). */
const ownUrls = (outdir) => ({
  name: 'ntm-own-urls',
  setup(b) {
    b.onLoad({ filter: /\.[jt]s$/ }, async (args) => {
      if (packageOf(args.path)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      return { contents: keepOwnUrl(source, args.path, outdir), loader, resolveDir: dirname(args.path) };
    });
  },
});

/** Marks imports of the packages left out as external, by their path relative to the bundle. */
const leaveOut = (outdir, left) => ({
  name: 'ntm-leave-out',
  setup(b) {
    b.onResolve({ filter: /^[^.]/ }, async (args) => {
      if (args.pluginData === 'ntm-inner' || args.path.startsWith('node:')) return undefined;
      const found = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'ntm-inner',
      });
      if (found.errors.length > 0 || found.external) return undefined;
      const pkg = packageOf(found.path);
      if (!pkg || !left.has(pkg)) return { path: found.path };
      return { path: `./${relative(outdir, found.path).split(sep).join('/')}`, external: true };
    });
  },
});

/** The workspace's packages by name: their folder and their exports. */
async function workspacePackages() {
  const found = new Map();
  for (const group of ['packages', 'services'])
    for (const name of await readdir(`${root}${group}`)) {
      const pkg = await readFile(`${root}${group}/${name}/package.json`, 'utf8').then(
        JSON.parse,
        () => undefined,
      );
      if (pkg?.name) found.set(pkg.name, { dir: `${root}${group}/${name}/`, exports: pkg.exports ?? {} });
    }
  return found;
}

/**
 * For the tests, which run before any build: the workspace's packages from their TypeScript sources, an export's
 * `./dist/x.js` read as `./src/x.ts`.
 */
const fromSources = (packages) => ({
  name: 'ntm-from-sources',
  setup(b) {
    b.onResolve({ filter: /^@ntm\// }, (args) => {
      const [scope, name, ...rest] = args.path.split('/');
      const pkg = packages.get(`${scope}/${name}`);
      const target = pkg?.exports[rest.length > 0 ? `./${rest.join('/')}` : '.']?.default;
      if (!target) return undefined;
      return { path: `${pkg.dir}${target.replace(/^\.\/dist\/(.*)\.js$/, 'src/$1.ts')}` };
    });
  },
});

/**
 * Bundles `entry` into `outdir`; returns the packages left in node_modules and esbuild's metafile. `sources`: the
 * workspace from its TypeScript sources instead of its compiled code (for the tests).
 */
export async function bundleStart(entry, outdir, { sources = false } = {}) {
  const own = sources ? [fromSources(await workspacePackages()), ownUrls(outdir)] : [ownUrls(outdir)];
  // First pass: everything bundled, to learn which packages are place-bound and what each imports.
  const first = await build({ ...common(entry, outdir), write: false, plugins: own });
  const seeds = new Set();
  const imports = new Map();
  for (const [file, input] of Object.entries(first.metafile.inputs)) {
    const pkg = packageOf(resolve(file));
    if (!pkg) continue;
    if (PLACE_BOUND.test(await readFile(resolve(file), 'utf8'))) seeds.add(pkg);
    const to = imports.get(pkg) ?? new Set();
    for (const i of input.imports) {
      const other = i.external ? undefined : packageOf(resolve(i.path));
      if (other && other !== pkg) to.add(other);
    }
    imports.set(pkg, to);
  }
  // A require() or import() of a computed name, in a package: it would resolve from the bundle's folder.
  for (const w of first.warnings)
    if (
      w.location &&
      packageOf(resolve(w.location.file)) &&
      /will not be bundled|cannot be analyzed/i.test(w.text)
    )
      seeds.add(packageOf(resolve(w.location.file)));
  const left = packagesLeftOut(seeds, imports);
  await rm(outdir, { recursive: true, force: true });
  const second = await build({ ...common(entry, outdir), plugins: [...own, leaveOut(outdir, left)] });
  return { left, metafile: second.metafile };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const targets =
    args.length > 0
      ? args.reduce((all, a, i) => (i % 2 === 0 ? [...all, [resolve(a), resolve(args[i + 1])]] : all), [])
      : [
          [`${root}services/web/dist/bundledServer.js`, `${root}services/web/dist/bundle`],
          [`${root}test/bench/dist/startWebServer.js`, `${root}test/bench/dist/bundle`],
        ];
  for (const [entry, outdir] of targets) {
    const { left } = await bundleStart(entry, outdir);
    process.stdout.write(
      `bundled ${relative(root, entry)} into ${relative(root, outdir)} (${left.size} packages left in node_modules)\n`,
    );
  }
}
