/**
 * The service's composition, for programs that run it with their own clock or settings (the API benchmark in
 * test/bench runs it with a fixed clock). `server.ts` is the entry point that runs it as deployed.
 */
export { composeService, runService, type ComposedService, type ServiceExtension } from './runService.js';
export { demoUsers, type DemoUser } from './demoUsers.js';
export { startBanner } from './startBanner.js';
export { loadConfig, ConfigError, type Config } from '@ntm/runtime';
export { FixedClock, systemClock, type Clock } from './clock.js';
export { createServer, type ServerOptions } from './app.js';
export { InlineLag } from './inlineLag.js';
