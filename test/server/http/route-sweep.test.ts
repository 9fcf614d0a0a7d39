/**
 * A property-based sweep (fast-check) of EVERY route the server registers, read from fastify's own
 * route tree (routes-of.ts), so a new route is swept without being listed here. Each route gets
 * generated bad input — garbage path params and query strings, random JSON of random shape,
 * valid bodies with one part replaced by something hostile (10,000-level nesting, a 1,000,000-
 * character string, a 200,000-item array, a wrong type), wrong content types, empty bodies,
 * invalid UTF-8 — with no token, a garbage token and a valid session (made through the real
 * connect flow against the simulator). Any 5xx, an answer slower than a few seconds (a hang), or a
 * refusal that echoes a huge input back fails. `SWEEP_RUNS=5000` runs a longer random sweep.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';

import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { captureLogger, tempDir } from './helpers.js';
import { type RouteEntry, routesOf } from './routes-of.js';
import { type Fixtures, sweepFixtures } from './sweep-fixtures.js';

const SLOW_MS = 5_000;

let sim: Simulator;
let server: RunningServer;
let app: FastifyInstance;
let fixtures: Fixtures;
let routes: RouteEntry[];

beforeAll(async () => {
  sim = await createSimulator({});
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: captureLogger('warn').logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 2_000 },
  });
  app = server.app;
  fixtures = await sweepFixtures(app, sim);
  routes = routesOf(app);
}, 30_000);

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

/** Stands for deep nesting; replaced after JSON.stringify, so no recursive serializer sees the depth. */
const DEEP_VALUE = '\u0000deep\u0000';
const DEEP_TEXT = JSON.stringify(DEEP_VALUE);
const deepJson = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const hostileValue = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 4 },
  { arbitrary: fc.constant(DEEP_VALUE), weight: 2 },
  { arbitrary: fc.constant('x'.repeat(1_000_000)), weight: 1 },
  { arbitrary: fc.constant(Array.from({ length: 200_000 }, () => 0)), weight: 1 },
  { arbitrary: fc.constantFrom(null, true, -1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 2, '', ' ', '\u0000', '😀'.repeat(50)), weight: 2 },
  { arbitrary: fc.constantFrom({}, [], [[]], { '': '' }), weight: 1 },
);

/** Every path (list of keys) inside a JSON value, the root included. */
function pathsOf(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function replaceAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = replaceAt(copy[path[0]!], path.slice(1), replacement);
  return copy;
}

const serialize = (value: unknown, levels: number) => JSON.stringify(value).split(DEEP_TEXT).join(deepJson(levels));

/** A valid body of the route (of any route, for one without a known body) with one part (or the whole) replaced. */
const mutatedBody = (route: RouteEntry) =>
  fc
    .record({
      base: fc.nat(),
      pathPick: fc.nat(),
      replacement: hostileValue,
      levels: fc.constantFrom(100, 10_000, 100_000),
      dropKey: fc.boolean(),
    })
    .map(({ base, pathPick, replacement, levels, dropKey }) => {
      const bodies = fixtures.bodiesFor(route.method, route.url);
      const body = bodies[base % bodies.length]!;
      const paths = pathsOf(body);
      const path = paths[pathPick % paths.length]!;
      const mutated = dropKey && path.length > 0 ? replaceAt(body, path, undefined) : replaceAt(body, path, replacement);
      return serialize(mutated, levels);
    });

const rawBody = (route: RouteEntry) =>
  fc.oneof(
    { arbitrary: mutatedBody(route), weight: 6 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '{',
        '{"a":',
        deepJson(10_000),
        `{"a":${deepJson(50_000)}}`,
        `"${'y'.repeat(1_000_000)}"`,
        `[${'0,'.repeat(300_000)}0]`,
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '\u0000',
      ),
      weight: 2,
    },
  );

const body = (route: RouteEntry) =>
  fc.oneof(
    { arbitrary: rawBody(route).map((text) => Buffer.from(text)), weight: 8 },
    // Invalid UTF-8: a lone continuation byte and an overlong encoding inside a JSON string.
    { arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d])), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'Application/JSON',
      'application/json;;;',
      'application/jsonx',
      '*/*',
      'garbage',
    ),
    weight: 3,
  },
);

const garbageSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('..', '.', '%', '%ZZ', '%00', '%2F..%2F', '%C0%AF', 'a'.repeat(5_000), '%F0%9F%98%80', '-', '--', '0'),
  fc.uuid(),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('page', 'pageSize', 'q', 'projectId', 'limit', 'scheduleId', 'x', '', '%ZZ', 'a[b]'),
        fc.oneof(
          fc.string({ maxLength: 20 }),
          garbageSegment,
          fc.constantFrom('0', '-1', '1e400', 'NaN', '1.5', '99999999999999999999', ''),
        ),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
  fc.constantFrom('?', '?&&&', '?=', '?page=1&page=2', `?q=${'q'.repeat(100_000)}`, '?%', '?a=%ZZ', `?${'k=v&'.repeat(5_000)}`),
);

type Auth = 'none' | 'valid' | 'garbage' | 'huge';
const auth = fc.constantFrom<Auth>('none', 'valid', 'valid', 'garbage', 'huge');

function authHeader(kind: Auth): Record<string, string> {
  if (kind === 'valid') return { authorization: `Bearer ${fixtures.token}` };
  if (kind === 'garbage') return { authorization: 'Bearer not-a-session' };
  if (kind === 'huge') return { authorization: `Bearer ${'t'.repeat(100_000)}` };
  return {};
}

/** The route's URL with each `:param` (and `*`) filled: the session's real ids or garbage. */
async function fillUrl(url: string, real: boolean, garbage: string): Promise<string> {
  const ids = real ? await fixtures.liveIds() : undefined;
  return url.replace(/:(\w+)/g, (_m, name: string) => (ids ? (ids[name] ?? garbage) : garbage)).replace(/\*$/, garbage);
}

interface Outcome {
  status: number;
  ms: number;
  bytes: number;
  text: string;
}

/** A refusal is a short message: it never echoes a huge input back. */
const MAX_REFUSAL_BYTES = 4_096;

async function send(method: string, url: string, headers: Record<string, string>, payload: Buffer | undefined): Promise<Outcome> {
  const started = Date.now();
  const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, ms: Date.now() - started, bytes: res.rawPayload.length, text: res.body.slice(0, 300) };
}

/** Why the outcome fails the sweep (5xx, slow, or a refusal echoing its input), or undefined. */
function problem(what: string, outcome: Outcome): string | undefined {
  const echoes = outcome.status >= 400 && outcome.bytes > MAX_REFUSAL_BYTES;
  if (outcome.status >= 500 || outcome.ms > SLOW_MS || echoes) {
    return `${what} → ${outcome.status} in ${outcome.ms} ms, ${outcome.bytes} bytes: ${outcome.text}`;
  }
  return undefined;
}

function check(what: string, outcome: Outcome): void {
  const found = problem(what, outcome);
  if (found) throw new Error(found);
}

const describeRequest = (method: string, url: string, ctype: string | undefined, authKind: Auth, payload: Buffer | undefined) =>
  `${method} ${url.slice(0, 200)} [auth ${authKind}, content-type ${ctype}, body ${payload ? `${payload.length} bytes: ${payload.subarray(0, 120).toString()}` : 'none'}]`;

describe('route sweep: generated bad input never answers 5xx or hangs', () => {
  it('finds every route of the app', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'POST /api/connections',
      'DELETE /api/connections/:cid',
      'POST /api/connections/:cid/pull',
      'POST /api/connections/:cid/view-image',
      'GET /api/connections/:cid/datasources/:dsid/metadata',
      'PUT /api/schedules/:sid',
      'GET /api/schedules/:sid/runs',
      'GET /api/snapshots/latest',
      'GET /health',
    ]) {
      expect(keys).toContain(expected);
    }
  });

  it('every route × every hostile body shape', async () => {
    const shapes: Array<[string, Buffer | undefined, string | undefined]> = [
      ['10,000-level nesting', Buffer.from(deepJson(10_000)), 'application/json'],
      [
        'deep value inside a valid body',
        Buffer.from(serialize(replaceAt(fixtures.validBodies()[0], ['x'], DEEP_VALUE), 10_000)),
        'application/json',
      ],
      ['1,000,000-character string', Buffer.from(`{"s":"${'s'.repeat(1_000_000)}"}`), 'application/json'],
      ['300,000-item array', Buffer.from(`[${'1,'.repeat(300_000)}1]`), 'application/json'],
      ['invalid UTF-8', Buffer.from([0x22, 0xff, 0xfe, 0x22]), 'application/json'],
      ['empty body', Buffer.alloc(0), 'application/json'],
      ['no body', undefined, undefined],
      ['text/plain', Buffer.from('{"a":1}'), 'text/plain'],
      ['form', Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded'],
      ['over 1 MB', Buffer.alloc(1_100_000, 0x20), 'application/json'],
    ];
    const failures: string[] = [];
    for (const route of routes) {
      for (const [name, payload, ctype] of shapes) {
        for (const kind of ['none', 'valid'] as const) {
          const url = await fillUrl(route.url, kind === 'valid', 'zz');
          const headers = { ...authHeader(kind), ...(ctype ? { 'content-type': ctype } : {}) };
          const found = problem(
            `${route.method} ${route.url} with ${name} (auth ${kind})`,
            await send(route.method, url, headers, payload),
          );
          if (found) failures.push(found);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 30_000);

  it('every part of every valid body, replaced by a hostile value', async () => {
    // Past the edge limits (refused by the body scan) and just under them (left to the schemas).
    const replacements: Array<[string, unknown, number]> = [
      ['nested 10,000 deep', DEEP_VALUE, 10_000],
      ['nested 60 deep', DEEP_VALUE, 60],
      ['a 90,000-character string', 'x'.repeat(90_000), 0],
      ['a 9,999-item array', Array.from({ length: 9_999 }, (_, i) => i), 0],
      ['an object', { a: { b: 1 } }, 0],
    ];
    let sent = 0;
    const failures: string[] = [];
    for (const route of routes) {
      for (const valid of fixtures.bodiesOf(route.method, route.url)) {
        // No swept route here deletes what the ids name, so they are looked up once per body.
        const url = await fillUrl(route.url, true, 'zz');
        for (const path of pathsOf(valid)) {
          for (const [name, replacement, levels] of replacements) {
            const payload = Buffer.from(serialize(replaceAt(valid, path, replacement), levels));
            const outcome = await send(route.method, url, { ...authHeader('valid'), 'content-type': 'application/json' }, payload);
            const found = problem(`${route.method} ${route.url} with ${path.join('.') || 'the body'} ${name}`, outcome);
            if (found) failures.push(found);
            sent++;
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(300);
  }, 40_000);

  it('random requests to random routes', async () => {
    // Routes that take a body are picked three times as often: most of the input space is theirs.
    const weighted = [...routes, ...routes.filter((r) => fixtures.bodiesOf(r.method, r.url).length > 0).flatMap((r) => [r, r])];
    const request = fc
      .nat()
      .map((pick) => weighted[pick % weighted.length]!)
      .chain((route) =>
        fc.record({
          route: fc.constant(route),
          realIds: fc.boolean(),
          garbage: garbageSegment,
          query: queryString,
          payload: body(route),
          ctype: contentType,
          authKind: auth,
        }),
      );
    await fc.assert(
      fc.asyncProperty(request, async ({ route, realIds, garbage, query, payload, ctype, authKind }) => {
        const url = (await fillUrl(route.url, realIds, garbage)) + query;
        const headers = { ...authHeader(authKind), ...(ctype ? { 'content-type': ctype } : {}) };
        check(describeRequest(route.method, url, ctype, authKind, payload), await send(route.method, url, headers, payload));
      }),
      { numRuns: Number(process.env.SWEEP_RUNS ?? 600), endOnFailure: true },
    );
  }, 45_000);
});
