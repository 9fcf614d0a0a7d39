/**
 * A tiny fake Tableau on 127.0.0.1:0 for unit tests: serverinfo + sign-in + sign-out, a token
 * registry, and whatever extra routes a test adds. Tokens can be expired on demand.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import type { Clock } from '../../../server/tableau/index.js';

export const SITE_ID = 'site-luid-1';
export const USER_ID = 'user-luid-1';

export interface FakeOptions {
  productVersion?: string;
  restApiVersion?: string;
}

export interface Fake {
  app: FastifyInstance;
  url: string;
  signIns: Array<{ body: unknown; url: string }>;
  signOuts: number;
  tokens: Set<string>;
  /** Invalidate every token (the next authed call answers 401002). */
  expireAll(): void;
  /** true when the request carries a live token; otherwise replies 401002 and returns false. */
  authed(req: FastifyRequest, reply: FastifyReply): boolean;
  close(): Promise<void>;
}

export async function startFake(o: FakeOptions = {}, extra?: (f: Fake) => void): Promise<Fake> {
  const app = Fastify();
  let n = 0;
  const f: Fake = {
    app,
    url: '',
    signIns: [],
    signOuts: 0,
    tokens: new Set(),
    expireAll: () => f.tokens.clear(),
    authed(req, reply) {
      const token = req.headers['x-tableau-auth'];
      if (typeof token === 'string' && f.tokens.has(token)) return true;
      void reply.code(401).send({
        error: {
          summary: 'Unauthorized Access',
          detail: 'Invalid authentication credentials were provided.',
          code: token ? '401002' : '401000',
        },
      });
      return false;
    },
    close: () => app.close(),
  };
  app.get('/api/:v/serverinfo', async () => ({
    serverInfo: {
      productVersion: { value: o.productVersion ?? '2026.1.0', build: '20261.26.0101.0000' },
      restApiVersion: o.restApiVersion ?? '3.28',
    },
  }));
  app.post('/api/:v/auth/signin', async (req, reply) => {
    f.signIns.push({ body: req.body, url: req.url });
    const c = (req.body as { credentials?: Record<string, unknown> }).credentials ?? {};
    if (c.personalAccessTokenSecret === 'wrong' || c.password === 'wrong') {
      return reply.code(401).send({ error: { summary: 'Signin Error', detail: 'Error signing in to Tableau Server', code: '401001' } });
    }
    const token = `tok-${++n}`;
    f.tokens.add(token);
    const site = (c.site as { contentUrl?: string })?.contentUrl ?? '';
    return { credentials: { token, site: { id: SITE_ID, contentUrl: site }, user: { id: USER_ID } } };
  });
  app.post('/api/:v/auth/signout', async (req, reply) => {
    f.signOuts++;
    f.tokens.delete(String(req.headers['x-tableau-auth']));
    return reply.code(204).send();
  });
  extra?.(f);
  f.url = await app.listen({ host: '127.0.0.1', port: 0 });
  return f;
}

/** Clock whose sleep returns at once and advances `now`: retries and backoff run instantly. */
export function fakeClock(random = 0.5): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
    random: () => random,
  };
  return c;
}

export const PAT = { kind: 'pat' as const, patName: 'robot', patSecret: 's3cr3t-value' };

/** Logger that keeps every line so tests can assert that no secret was logged. */
export function memoryLogger() {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg?: string) => lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}
