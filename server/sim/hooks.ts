import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { SimContext } from './context.js';
import { errors, SimError } from './errors.js';
import { gateExport } from './exports.js';
import { FAULT_PAGES } from './faults.js';
import { API_VERSION_PATTERN, compareApiVersions } from './versions.js';
import { xmlToTsRequest } from './xml.js';
import { toTsResponseXml, wantsXml } from './xml-out.js';

/** Pending fault delays, cancelled when the app closes so no timer outlives it. */
function delays(app: FastifyInstance) {
  const timers = new Set<NodeJS.Timeout>();
  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });
  return (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
}

/** Request bodies: JSON, tsRequest XML (TSC's default) and bodiless POSTs (sign-out, refresh). */
export function installParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (text: string, kind: 'json' | 'xml' | 'any') => {
    const t = text.trim();
    if (t === '') return undefined;
    if (kind === 'xml' || (kind === 'any' && t.startsWith('<'))) return xmlToTsRequest(t);
    try {
      return JSON.parse(t) as unknown;
    } catch {
      if (kind === 'any') return t;
      throw errors.badRequest('The request body is not valid JSON.');
    }
  };
  const add = (type: string | RegExp | string[], kind: 'json' | 'xml' | 'any') =>
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parse(body as string, kind));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
  add('application/json', 'json');
  add(['application/xml', 'text/xml'], 'xml');
  add('*', 'any');
}

/** The export limit, then faults (they hit every path but /_sim), then the API version in the path. */
export function installHooks(app: FastifyInstance, ctx: SimContext, defaultFormat: 'json' | 'xml'): void {
  const sleep = delays(app);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/_sim/')) return;
    // Before the faults: a latency fault is time the export spends at Tableau, inside its slot.
    if (gateExport(ctx.exports, request, reply)) return reply;
    ctx.jobs.settleAll();
    const token = request.headers['x-tableau-auth'];
    const plan = ctx.faults.plan(request.method, request.url, typeof token === 'string' && token !== '');
    request.simFaults = plan;
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    if (plan.expireToken && typeof token === 'string') ctx.sessions.invalidate(token);
    const t = plan.terminal;
    if (t) {
      if (t.kind === 'reset') {
        request.raw.socket.destroy();
        reply.hijack();
        return reply;
      }
      if (t.kind === 'timeout') {
        reply.hijack(); // never answers; forceCloseConnections ends the socket at close()
        return reply;
      }
      const page = FAULT_PAGES[t.kind as keyof typeof FAULT_PAGES];
      if ('retryAfter' in t && t.retryAfter !== undefined) reply.header('Retry-After', String(t.retryAfter));
      return reply.code(page.status).type('text/html; charset=utf-8').send(page.html);
    }
    const m = /^\/api\/([^/?]+)(\/[^?]*)?/.exec(request.url);
    // Version-less APIs: content search (/api/-), VDS (/api/v1), the Metadata API (/api/metadata/graphql).
    if (m && m[1] !== '-' && m[1] !== 'v1' && m[1] !== 'metadata') {
      const tooNew = API_VERSION_PATTERN.test(m[1]) ? compareApiVersions(m[1], ctx.version.restApiVersion) > 0 : true;
      // server_info_404.xml: "Unknown resource '/2.4/serverInfo' specified in URI."
      if (tooNew) throw errors.unknownResource(`/${m[1]}${m[2] ?? ''}`);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.simFaults?.dropAnswer) {
      // The handler has run: what it did stays done, only the answer is lost.
      request.raw.socket.destroy();
      return payload;
    }
    let out = payload;
    const isJson = String(reply.getHeader('content-type') ?? '').startsWith('application/json');
    // Cached list pages come as bytes (routes/common.ts sendList); XML and malformed answers need the text.
    if (Buffer.isBuffer(out) && isJson && (request.simFaults?.malformedJson || wantsXml(request.headers.accept, defaultFormat)))
      out = out.toString('utf8');
    // Classic REST paths only: VDS (/api/v1) and content search (/api/-) are JSON-only APIs.
    if (isJson && typeof out === 'string' && /^\/api\/\d+\.\d+\//.test(request.url) && wantsXml(request.headers.accept, defaultFormat)) {
      out = toTsResponseXml(JSON.parse(out) as Record<string, unknown>);
      reply.type('application/xml; charset=utf-8');
    }
    if (request.simFaults?.malformedJson && typeof out === 'string' && out.length > 1) return out.slice(0, Math.ceil(out.length / 2));
    return out;
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    if (err instanceof SimError) return reply.code(err.status).send(err.body());
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const e = errors.badRequest(err.message);
      return reply.code(err.statusCode).send({ error: { ...e.body().error, code: `${err.statusCode}000` } });
    }
    request.log.error(err);
    return reply
      .code(500)
      .send({ error: { summary: 'Internal Server Error', detail: 'The simulator failed to handle the request.', code: '500000' } });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0].replace(/^\/api(?=\/)/, '');
    const e = errors.unknownResource(path);
    return reply.code(e.status).send(e.body());
  });
}
