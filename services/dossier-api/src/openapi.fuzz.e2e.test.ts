/**
 * Bad input, fuzzed: every operation of the API's own OpenAPI document (`/docs/json`) gets generated requests over
 * HTTP, and every answer must be below 500, every error an RFC 9457 problem document with a `code`, and a refused
 * request must append nothing (the store's event count before and after it).
 *
 * Requests: bodies generated from the operation's JSON schema and from the journeys' valid commands, as they are
 * or mutated (wrong types, huge strings, U+0000, lone surrogates, prototype-like keys, deep nesting, dropped
 * fields), raw bodies (empty, truncated, deeply nested, wrong media types), path segments (`%00`, `..`, very long,
 * unicode), query strings (the document's names, the JS built-ins' names, odd values), and tokens of every role,
 * none and bad ones. Deterministic: fast-check with a fixed seed and a fixed number of runs per operation, with no
 * time bound by default: a bound made the requests checked depend on the machine's speed, and an operation whose
 * first request outlasted it on a loaded machine (a PDF rendered in 1.3 s) failed as "interrupted after 0 tests".
 * `FUZZ_RUNS` (per operation, default 80), `FUZZ_SEED` and `FUZZ_MS` (a time bound per operation, for long runs only)
 * widen a run: `FUZZ_RUNS=2000 FUZZ_MS=60000 pnpm vitest run openapi.fuzz`.
 *
 * The generator is a small one over the JSON-schema subset the document uses (type, properties, required, enum,
 * anyOf, pattern, format, bounds, items, nullable, examples): the npm packages that turn JSON or zod schemas into
 * fast-check arbitraries target fast-check 1-3 or zod 3.
 */
import { Client } from 'undici';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '@ntm/contracts';
import { ACTORS, communeJourney, villageJourney, type Journey, type JourneyStep } from '@ntm/testing';
import type { DomainActor } from '@ntm/domain';
import { startTestServer, type JourneyCursor } from '../test/support/startTestServer.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 80);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_202);
/** a time bound per operation for widened runs only; none by default, so that every run checks the same requests */
const MS_PER_OPERATION = process.env['FUZZ_MS'] === undefined ? undefined : Number(process.env['FUZZ_MS']);

// ---------------------------------------------------------------------------------------------------------------
// Values from JSON schemas

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  example?: unknown;
  examples?: unknown[];
}

/** Values the schema accepts (mostly: `trim` and refinements are not in the schema), short ones first. */
function valueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const examples = [...(schema.examples ?? []), ...(schema.example === undefined ? [] : [schema.example])];
  const base =
    examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), anyValueOf(schema)) : anyValueOf(schema);
  return schema.nullable ? fc.option(base, { nil: null }) : base;
}

function anyValueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(valueOf));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
      });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      return fc.record(Object.fromEntries(properties.map(([name, s]) => [name, valueOf(s)])), {
        requiredKeys: schema.required ?? [],
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  const day = fc.date({ min: new Date('2020-01-01'), max: new Date('2036-12-31'), noInvalidDate: true });
  if (schema.format === 'date') return day.map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time') return day.map((d) => d.toISOString());
  const text = fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(max, 40)) });
  if (schema.pattern === undefined) return text;
  return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max);
}

// ---------------------------------------------------------------------------------------------------------------
// Nasty values, and mutations of a valid JSON value

const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
];
const NASTY_TEXT = [
  '\u0000',
  'Biên bản\u0000số 1',
  '\uD800',
  'ảnh \uDFFF',
  '\uDBFF\uDBFF',
  '',
  ' ',
  '\u202E\u200B',
  '%00',
  '../../etc/passwd',
  "'; DROP TABLE events; --",
  ...PROTO_NAMES,
  '𝕏'.repeat(300),
  'x'.repeat(4001),
  'ả'.repeat(201),
];
const nastyString = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_TEXT), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 120_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);
const deeplyNested = fc.constantFrom(50, 1000, 2000).chain((depth) =>
  fc.constantFrom(
    nest(depth, (v) => [v]),
    nest(depth, (v) => ({ a: v })),
  ),
);
function nest(depth: number, wrap: (v: unknown) => unknown): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}
const wrongType = fc.oneof(
  fc.constantFrom(null, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, true, false, [], {}, [null], '1', 'true'),
  fc.constantFrom({ '': null }, { __proto__: null }, [[[]]]),
  deeplyNested,
);
/** A string holding what the event log refuses, at some place in an otherwise valid string. */
const poisonInto = (text: string) =>
  fc
    .tuple(fc.constantFrom('\u0000', '\uD800', '\uDC00', '\uDBFF'), fc.nat(text.length))
    .map(([bad, at]) => text.slice(0, at) + bad + text.slice(at));

type Json = unknown;
type Path = (string | number)[];

/** Every node of a JSON value, with its path; objects and arrays first, then their children. */
function nodesOf(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const here = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => nodesOf(v, [...path, i]))];
  if (value !== null && typeof value === 'object')
    return [here, ...Object.entries(value).flatMap(([k, v]) => nodesOf(v, [...path, k]))];
  return [here];
}

/** A copy of `root` with the node at `path` replaced (`undefined` deletes it); own properties only. */
function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  // A prototype-less copy: a key named `__proto__` becomes an own property, as JSON.parse makes it.
  const copy = (
    Array.isArray(root) ? [...(root as unknown[])] : Object.assign(Object.create(null) as object, root)
  ) as Record<string | number, unknown>;
  const next = setAt(copy[head!], rest, value);
  if (next === undefined) delete copy[head!];
  else
    Object.defineProperty(copy, head!, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** One mutation of a JSON value: a node replaced, a string poisoned, a key added or dropped. */
function mutationOf(value: Json): fc.Arbitrary<Json> {
  const nodes = nodesOf(value);
  const strings = nodes.filter((n) => typeof n.value === 'string');
  const objects = nodes.filter(
    (n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value),
  );
  const keyed = nodes.filter((n) => n.path.length > 0 && typeof n.path.at(-1) === 'string');
  const pick = <T>(list: T[]) => fc.nat(list.length - 1).map((i) => list[i]!);
  const options: fc.Arbitrary<Json>[] = [
    pick(nodes).chain((n) => fc.oneof(nastyString, wrongType).map((v) => setAt(value, n.path, v))),
  ];
  if (strings.length > 0) {
    const poisoned = pick(strings).chain((n) =>
      poisonInto(n.value as string).map((v) => setAt(value, n.path, v)),
    );
    options.push(poisoned, poisoned);
  }
  if (objects.length > 0) {
    options.push(
      fc
        .tuple(pick(objects), fc.constantFrom(...PROTO_NAMES, 'unexpected'), fc.oneof(wrongType, nastyString))
        .map(([n, key, v]) => setAt(value, [...n.path, key], v)),
    );
  }
  if (keyed.length > 0) options.push(pick(keyed).map((n) => setAt(value, n.path, undefined)));
  return fc.oneof(...options);
}

const RAW_BODIES = [
  '',
  'null',
  '[]',
  '"x"',
  '0',
  'true',
  '{',
  '{"a":1',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":"\\u0000","b":"\\ud800"}',
  '['.repeat(100_000) + ']'.repeat(100_000),
  '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000),
  `{"pad":"${'x'.repeat(300 * 1024)}"}`,
];
const rawBody = fc.oneof(
  fc.constantFrom<string | Buffer>(...RAW_BODIES),
  // Invalid UTF-8: a CESU-encoded surrogate, an overlong slash, a truncated sequence.
  fc.constantFrom(
    Buffer.from('{"a":"\xED\xA0\x80"}', 'latin1'),
    Buffer.from('{"a":"\xC0\xAF"}', 'latin1'),
    Buffer.from('{"a":"\xC3', 'latin1'),
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

// ---------------------------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  method: string;
  /** on the wire: percent-encoded as sent */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** who the token is for, for the report */
  as: string;
}

/** Short enough to read in a failure report. */
function describeRequest(r: FuzzRequest): string {
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  const { authorization: _a, ...headers } = r.headers;
  const body = r.body === undefined ? '' : ` body ${clip(JSON.stringify(r.body.toString()))}`;
  return `${r.method} ${clip(r.path)} as ${r.as} ${JSON.stringify(headers)}${body}`;
}

const NASTY_SEGMENTS = [
  '%00',
  'a%00b',
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  '%',
  '%zz',
  '%C0%AF',
  '%ED%A0%80',
  '%F0%9F%98%80',
  'x%C3%A3',
  ...PROTO_NAMES,
  'a'.repeat(81),
  'a'.repeat(101),
  'a'.repeat(3000),
  '%20',
  '%0A',
  '-',
  '0',
  '-1',
];
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as its UTF-8-like bytes
  }
};
const nastySegment = fc.oneof(
  fc.constantFrom(...NASTY_SEGMENTS),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encode),
);
const HEADER_VALUES = ['', ' ', '*', 'W/"0"', '"0"', '"-1"', '"1e3"', `"${'9'.repeat(38)}"`, 'x'.repeat(200)];
const nastyHeader = fc.constantFrom(...HEADER_VALUES, ...PROTO_NAMES);

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }) {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = (operation['requestBody'] as { content?: Record<string, { schema: JsonSchema }> })
        ?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (operation['parameters'] as Parameter[] | undefined) ?? [],
        ...(content?.['application/json'] ? { body: content['application/json'].schema } : {}),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------------------------
// The server, three dossiers to aim at (just opened, before the council, a village's), and the tokens

const commune = communeJourney('ntm', 1);
const village = villageJourney(1);
const t = await startTestServer({
  now: new Date(String(commune.steps[0]!.ctx.now)),
  schemaPrefix: 'api_fuzz',
});
afterAll(() => t.close());

/** A dossier driven part of its journey: what is next is allowed, so valid-looking commands reach the store. */
interface Target {
  journey: Journey;
  cursor: JourneyCursor;
}
async function drive(journey: Journey, steps: number): Promise<Target> {
  const cursor: JourneyCursor = {};
  for (const step of journey.steps.slice(0, steps)) {
    const answer = await t.sendStep(step, cursor);
    if (answer.status >= 300) throw new Error(`${step.command.type}: ${answer.status}`);
  }
  return { journey, cursor };
}
const targets = [await drive(commune, 1), await drive(commune, 40), await drive(village, 4)];

const unknownUnit: DomainActor = { id: 'fuzz-stranger', role: 'commune_official', unit: '02035' };
const tokens: Record<string, string | undefined> = { none: undefined };
for (const [name, actor] of Object.entries({ ...ACTORS, unknownUnit }))
  tokens[name] = await t.tokenFor(actor);
const official = tokens['communeOfficial']!;
Object.assign(tokens, {
  'malformed bearer': 'not-a-jwt',
  'tampered signature': `${official.slice(0, -4)}AAAA`,
  expired: await t.tokenFor(ACTORS.communeOfficial, { ttlSeconds: -60 }),
  'other audience': await t.tokenFor(ACTORS.communeOfficial, { audience: 'another-api' }),
});

/** Valid bodies per route (without the `{id}` value), from every journey's commands: the seeds to mutate. */
const slugOf = new Map<string, string>(
  COMMAND_SPECS.map((s) => [s.type, s.creates ? '/dossiers' : `/dossiers/{id}/${s.slug}`]),
);
const seeds = new Map<string, { body: Json; step: JourneyStep }[]>();
for (const journey of [commune, village, communeJourney('ntm', 2), villageJourney(2)]) {
  for (const step of journey.steps) {
    const { type, dossierId: _id, ...body } = step.command;
    const route = slugOf.get(type)!;
    seeds.set(route, [...(seeds.get(route) ?? []), { body, step }]);
  }
}

const document = (await (await fetch(`${t.url}/docs/json`)).json()) as Parameters<typeof operationsOf>[0];
const operations = operationsOf(document);
const QUERY_NAMES = [
  ...new Set([
    ...operations.flatMap((o) => o.parameters.filter((p) => p.in === 'query').map((p) => p.name)),
    // The read models' own filters, which the document does not list.
    'overdue',
    'now',
    'role',
  ]),
];
const QUERY_VALUES = [
  'true',
  'false',
  '1',
  '-1',
  '0',
  '1e3',
  'asc',
  'desc',
  '02032',
  '2024',
  '',
  ...PROTO_NAMES,
];

/** The requests for one operation. */
function requestsFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const target = fc.constantFrom(...targets);
  const pathParameter = (p: Parameter, at: Target) =>
    fc.oneof(
      { arbitrary: fc.constant(realValue(p.name, at)), weight: 6 },
      { arbitrary: valueOf(p.schema ?? {}).map((v) => encode(String(v))), weight: 1 },
      { arbitrary: nastySegment, weight: 3 },
    );
  const queryPair = fc.tuple(
    fc.oneof(
      fc.constantFrom(
        ...operation.parameters.filter((p) => p.in === 'query').map((p) => p.name),
        ...QUERY_NAMES,
      ),
      fc.constantFrom(...PROTO_NAMES),
      fc.string({ unit: 'grapheme', maxLength: 8 }).map(encode),
    ),
    fc.oneof(fc.constantFrom(...QUERY_VALUES), nastySegment),
  );
  const query = fc
    .array(queryPair, { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`));
  const authorization = fc.oneof(
    { arbitrary: fc.constant('happy'), weight: 5 },
    { arbitrary: fc.constantFrom(...Object.keys(tokens)), weight: 5 },
  );
  const seedBodies = seeds.get(operation.path) ?? [];
  const schemaBody = operation.body ? valueOf(operation.body) : fc.constant({});
  const jsonBody = fc.oneof(
    ...(seedBodies.length > 0
      ? [
          { arbitrary: fc.constantFrom(...seedBodies).chain((s) => mutationOf(s.body)), weight: 6 },
          { arbitrary: fc.constantFrom(...seedBodies).map((s) => s.body), weight: 1 },
        ]
      : []),
    { arbitrary: schemaBody.chain((b) => fc.oneof(fc.constant(b), mutationOf(b))), weight: 3 },
  );
  const body = fc.oneof(
    { arbitrary: jsonBody.map((b) => JSON.stringify(b) as string | Buffer | undefined), weight: 8 },
    { arbitrary: rawBody, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/problem+json',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    ),
  );
  const headerParameter = (p: Parameter) =>
    fc.option(
      fc.oneof(
        valueOf(p.schema ?? {}).map((v) => String(v).replace(/[^\x20-\x7e]/g, '')),
        nastyHeader,
      ),
      { nil: undefined },
    );
  const headerParameters = operation.parameters.filter((p) => p.in === 'header' && p.name !== 'if-match');
  const ifMatch = fc.oneof(
    { arbitrary: fc.constant('current'), weight: 6 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: nastyHeader, weight: 2 },
  );
  const hasBody = operation.body !== undefined;
  return fc
    .record({
      at: target,
      authorization,
      query,
      body: hasBody ? body : fc.option(rawBody, { freq: 10, nil: undefined }),
      contentType,
      ifMatch,
      english: fc.boolean(),
      headers: fc.tuple(...headerParameters.map(headerParameter)),
    })
    .chain((r) =>
      fc
        .tuple(
          ...operation.parameters
            .filter((p) => p.in === 'path')
            .map((p) => pathParameter(p, r.at).map((v) => [p.name, v] as const)),
        )
        .map((segments) => ({ ...r, segments })),
    )
    .map((r): FuzzRequest => {
      let path = operation.path;
      for (const [name, value] of r.segments) path = path.replace(`{${name}}`, value);
      const headers: Record<string, string> = {};
      const happy = happyActor(operation, r.at);
      const as = r.authorization === 'happy' ? happy.name : r.authorization;
      const token = r.authorization === 'happy' ? happy.token : tokens[r.authorization];
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      if (r.english) headers['accept-language'] = 'en';
      if (r.body !== undefined && r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (operation.parameters.some((p) => p.name === 'if-match') && r.ifMatch !== undefined)
        headers['if-match'] = r.ifMatch === 'current' ? (r.at.cursor.etag ?? '"0"') : r.ifMatch;
      headerParameters.forEach((p, i) => {
        const value = r.headers[i];
        if (value !== undefined) headers[p.name] = value;
      });
      return {
        method: operation.method,
        path: path + r.query,
        headers,
        as,
        ...(r.body === undefined ? {} : { body: r.body }),
      };
    });
}

/**
 * Hand-picked cases run before the random ones, so that the sharpest inputs are tried on every run whatever the
 * seed: each path parameter with a nasty segment, each known query name with `true` and `constructor`, each
 * built-in's name as a query name, and the first valid body with U+0000 or a lone surrogate in each text field.
 * All as the actor who would act next, with the current If-Match.
 */
function edgeCasesOf(operation: Operation): FuzzRequest[] {
  const at = targets[1]!;
  const happy = happyActor(operation, at);
  const seed = seeds.get(operation.path)?.[0]?.body;
  const headers: Record<string, string> = { authorization: `Bearer ${happy.token}` };
  if (operation.body) headers['content-type'] = 'application/json';
  if (operation.parameters.some((p) => p.name === 'if-match')) headers['if-match'] = at.cursor.etag ?? '"0"';
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const pathWith = (replace?: string) =>
    operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => replace ?? realValue(name, at));
  const request = (path: string, body: Json = seed ?? {}): FuzzRequest => ({
    method: operation.method,
    path,
    headers,
    as: happy.name,
    ...(operation.body ? { body: JSON.stringify(body) } : {}),
  });
  const cases: FuzzRequest[] = [];
  if (pathParameters.length > 0)
    for (const segment of ['%00', '..', '%ED%A0%80', 'a'.repeat(101), '__proto__'])
      cases.push(request(pathWith(segment)));
  if (operation.method === 'GET') {
    const names = new Set([
      ...operation.parameters.filter((p) => p.in === 'query').map((p) => p.name),
      ...QUERY_NAMES,
    ]);
    for (const name of names)
      for (const value of ['true', 'constructor']) cases.push(request(`${pathWith()}?${name}=${value}`));
    for (const name of PROTO_NAMES) cases.push(request(`${pathWith()}?${name}=x`));
  }
  if (seed !== undefined)
    for (const node of nodesOf(seed).filter((n) => typeof n.value === 'string'))
      for (const bad of ['\u0000', '\uD800'])
        cases.push(request(pathWith(), setAt(seed, node.path, `${String(node.value)}${bad}`)));
  return cases;
}

function realValue(name: string, at: Target): string {
  const id = at.cursor.dossierId!;
  if (name === 'id') return id;
  if (name === 'streamId') return `dossier-${id}`;
  if (name === 'code') return String(at.journey.steps[0]!.command['unitCode']);
  return 'x';
}

/** The actor who would issue this command next on the target: its own journey's actor for the command. */
const happyTokens = new Map<string, string>();
function happyActor(operation: Operation, at: Target): { name: string; token: string } {
  if (/^\/(?:projections|admin|metrics)\b/.test(operation.path))
    return { name: 'administrator', token: tokens['administrator']! };
  const step = (seeds.get(operation.path) ?? []).find(
    (s) => s.step.command.dossierId === at.journey.dossierId,
  );
  const actor = step?.step.ctx.actor ?? at.journey.steps[0]!.ctx.actor;
  return { name: `${actor.role} ${actor.unit}`, token: happyTokens.get(actor.id) ?? official };
}
for (const target of targets)
  for (const step of target.journey.steps)
    if (!happyTokens.has(step.ctx.actor.id))
      happyTokens.set(step.ctx.actor.id, await t.tokenFor(step.ctx.actor));

// ---------------------------------------------------------------------------------------------------------------
// The checks

// A request the server never answers fails its run (with the request in the report) instead of hanging the file.
const client = new Client(t.url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
afterAll(() => client.close());

interface Answer {
  status: number;
  type: string;
  etag: string | undefined;
  text: string;
}

/**
 * The last request sent. fast-check's time limit abandons a run mid-request; that request still reaches the server
 * and may append, so the next run waits for it before it counts the events.
 */
let lastRequest: Promise<unknown> = Promise.resolve();

function send(request: FuzzRequest): Promise<Answer> {
  const sent = sendNow(request);
  lastRequest = sent.catch(() => undefined);
  return sent;
}

async function sendNow(request: FuzzRequest): Promise<Answer> {
  const response = await client.request({
    method: request.method,
    path: request.path,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return {
    status: response.statusCode,
    type: String(response.headers['content-type'] ?? ''),
    etag: response.headers['etag'] as string | undefined,
    text: await response.body.text(),
  };
}

/** Why the answer breaks the guarantees, or undefined when it keeps them. */
function breach(request: FuzzRequest, answer: Answer, appended: number): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if ((Object.prototype as Record<string, unknown>)['polluted'] !== undefined)
    return 'polluted Object.prototype';
  if (answer.status < 400) return undefined;
  if (appended !== 0) return `refused with ${answer.status} but appended ${appended} event(s)`;
  if (!answer.type.startsWith('application/problem+json'))
    return `answered ${answer.status} as ${answer.type}, not a problem document`;
  let problem: { code?: unknown; status?: unknown };
  try {
    problem = JSON.parse(answer.text) as typeof problem;
  } catch {
    return `answered ${answer.status} with a body that is not JSON`;
  }
  if (typeof problem.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(problem.code))
    return `problem without a stable code: ${answer.text.slice(0, 300)}`;
  if (problem.status !== answer.status)
    return `problem status ${String(problem.status)} differs from ${answer.status}`;
  return undefined;
}

describe('every operation of the OpenAPI document, fuzzed', () => {
  it('finds the operations in the document', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  for (const operation of operations) {
    it(`${operation.method} ${operation.path}: no 5xx, problems with a code, refusals append nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(requestsFor(operation), async (request) => {
          await lastRequest;
          const before = await t.countEvents();
          const answer = await send(request);
          const appended = (await t.countEvents()) - before;
          if (request.method === 'POST' && answer.status < 300 && answer.etag !== undefined) {
            // A command that was accepted moves its dossier on: aim the next ones at the new revision.
            const target = targets.find((x) => request.path.includes(`/${x.cursor.dossierId}/`));
            if (target) target.cursor.etag = answer.etag;
          }
          const why = breach(request, answer, appended);
          if (why === undefined) return;
          throw new Error(`${why}\n  request: ${describeRequest(request)}`);
        }),
        {
          seed: SEED,
          numRuns: RUNS,
          examples: edgeCasesOf(operation).map((request) => [request] as [FuzzRequest]),
          ...(MS_PER_OPERATION === undefined
            ? {}
            : { interruptAfterTimeLimit: MS_PER_OPERATION, markInterruptAsFailure: false }),
        },
      );
    });
  }

  afterAll(() => {});
});
