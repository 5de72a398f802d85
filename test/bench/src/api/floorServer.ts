/**
 * The HTTP floor of `pnpm bench:api`: the least any HTTP service over this store can do per command. One Fastify
 * route, no authentication, validation, domain or logging, that appends one event with the expected revision sent
 * as If-Match and answers the new revision. What it reaches beside the raw append rate bounds what the dossier
 * service can reach on the same machine.
 */
import Fastify from 'fastify';
import { dossierStreamId } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { expectedAt, rawEvent } from './rawAppend.js';

const opened = await openPostgresStore({
  connectionString: process.env['DATABASE_URL']!,
  schema: process.env['DATABASE_SCHEMA']!,
  // as the service's default DATABASE_POOL_SIZE
  maxConnections: 20,
});
const app = Fastify({ logger: false });
app.post<{ Params: { id: string }; Headers: { 'if-match': string } }>('/floor/:id', async (request) => {
  const result = await opened.store.append(dossierStreamId(request.params.id), [rawEvent()], {
    expectedRevision: expectedAt(Number(request.headers['if-match'])),
  });
  return { revision: Number(result.nextExpectedRevision) };
});
process.once('SIGTERM', () => void app.close().then(() => opened.close()));
await app.listen({ port: Number(process.env['PORT']), host: '127.0.0.1' });
process.stdout.write('ready\n');
