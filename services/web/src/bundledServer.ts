/**
 * `pnpm start`'s entry as `pnpm build` bundles it (`scripts/bundleStart.mjs`, ADR 0066): `server.ts` and everything
 * it loads before `/health`, in a few files. With traces configured (ADR 0032) it runs the unbundled `server.js`
 * instead: OpenTelemetry's hooks instrument pg and ioredis as they are imported by name from node_modules, which a
 * bundle would bypass. Only this check is evaluated before that choice.
 */
import { tracesConfigured } from '@ntm/telemetry/start';

if (tracesConfigured()) {
  // A computed specifier, which the bundler leaves alone: the compiled `server.js` beside this file's source (the
  // bundler rewrites `import.meta.url` to this file's own compiled URL).
  const unbundled = new URL('./server.js', import.meta.url).href;
  await import(unbundled);
} else {
  await import('./server.js');
}
