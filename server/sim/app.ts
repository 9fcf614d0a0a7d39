import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SessionStore } from './auth.js';
import { type Clock, systemClock } from './clock.js';
import type { SimContext } from './context.js';
import { createDataHost } from './data-host.js';
import { bumpDataVersion, datasetKeys, registerCsvDataset } from './data/catalog.js';
import { registerSimDataRoutes } from './data/routes.js';
import { SimError, errors } from './errors.js';
import { FAULT_PAGES, FaultController, type FaultSpec } from './faults.js';
import { DEFAULT_JOB_TIMING, JobEngine, type JobTiming } from './jobs.js';
import { authRoutes } from './routes/auth.js';
import { contentRoutes } from './routes/content.js';
import { controlRoutes } from './routes/control.js';
import { jobRoutes } from './routes/jobs.js';
import { searchRoutes } from './routes/search.js';
import { serverRoutes } from './routes/server.js';
import { addCsvDataset, seedDemo } from './seed/demo.js';
import { addLargeContent } from './seed/large.js';
import type { SiteContent } from './state/site.js';
import { SimState } from './state/store.js';
import { API_VERSION_PATTERN, compareApiVersions, resolveVersion } from './versions.js';
import { toTsResponseXml, wantsXml } from './xml-out.js';
import { xmlToTsRequest } from './xml.js';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** '2025.1.0', '2025.3.0', '2026.1.0' (default) ... see versions.ts. */
  productVersion?: string;
  /** Idle minutes before a token dies (Tableau Server default 240, notes §1.6). */
  sessionIdleMinutes?: number;
  /** 'demo' (default) or the demo plus `largeWorkbooks` generated workbooks. */
  site?: 'demo' | { largeWorkbooks: number };
  faults?: FaultSpec[];
  vdsEnabled?: boolean;
  /** CSV files handed to the data half; each becomes a data source + a one-sheet workbook. */
  csvDatasets?: string[];
  /** Injected time source (tests: ManualClock). */
  clock?: Clock;
  jobs?: Partial<JobTiming>;
  /** Called after each successful extract refresh with the data source or workbook LUID. */
  onExtractRefreshed?: (targetId: string) => void;
  /**
   * Response format when the Accept header names neither JSON nor XML. Tableau's own default is XML;
   * the simulator defaults to JSON so plain `fetch` callers get what the companion server uses.
   */
  defaultFormat?: 'json' | 'xml';
  /** A successful refresh gives the refreshed data a new version in the data half (default true). */
  bumpDataOnRefresh?: boolean;
  logger?: boolean;
}

export interface SimApp {
  app: FastifyInstance;
  ctx: SimContext;
  demoSite: SiteContent;
}

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
function installParsers(app: FastifyInstance): void {
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

/** Faults first (they hit every path but /_sim), then the API version in the path. */
function installHooks(app: FastifyInstance, ctx: SimContext, defaultFormat: 'json' | 'xml'): void {
  const sleep = delays(app);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/_sim/')) return;
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
    if (m && m[1] !== '-' && m[1] !== 'v1') {
      const tooNew = API_VERSION_PATTERN.test(m[1]) ? compareApiVersions(m[1], ctx.version.restApiVersion) > 0 : true;
      // server_info_404.xml: "Unknown resource '/2.4/serverInfo' specified in URI."
      if (tooNew) throw errors.unknownResource(`/${m[1]}${m[2] ?? ''}`);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    let out = payload;
    const isJson = String(reply.getHeader('content-type') ?? '').startsWith('application/json');
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
    return reply.code(500).send({ error: { summary: 'Internal Server Error', detail: 'The simulator failed to handle the request.', code: '500000' } });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0].replace(/^\/api(?=\/)/, '');
    const e = errors.unknownResource(path);
    return reply.code(e.status).send(e.body());
  });
}

/**
 * New data after a successful refresh: the refreshed data source's dataset, or for a workbook the
 * datasets of the published data sources it connects to (server/sim/data/catalog.ts bumpDataVersion).
 */
function bumpRefreshedData(site: SiteContent, target: { kind: 'datasource' | 'workbook'; id: string }): void {
  const dsIds = target.kind === 'datasource' ? [target.id] : (site.workbooks.get(target.id)?.connections ?? []).map((c) => c.datasourceId);
  const known = new Set(datasetKeys());
  const keys = new Set(dsIds.map((id) => (id ? site.datasources.get(id)?.dataKey : undefined)).filter((k): k is string => !!k && known.has(k)));
  for (const key of keys) bumpDataVersion(key);
}

/** Builds the simulator's fastify app without listening (use `app.inject` or `app.listen`). */
export async function buildSimApp(options: SimulatorOptions = {}): Promise<SimApp> {
  const clock = options.clock ?? systemClock;
  const state = new SimState();
  const demoSite = seedDemo(state);
  if (typeof options.site === 'object') addLargeContent(demoSite, options.site.largeWorkbooks);
  for (const path of options.csvDatasets ?? []) addCsvDataset(demoSite, await registerCsvDataset(path));

  const ctx: SimContext = {
    state,
    clock,
    sessions: new SessionStore(clock, (options.sessionIdleMinutes ?? 240) * 60_000),
    faults: new FaultController(options.faults),
    jobs: undefined as unknown as JobEngine,
    version: resolveVersion(options.productVersion ?? '2026.1.0'),
    vdsEnabled: options.vdsEnabled ?? true,
    onExtractRefreshed: options.onExtractRefreshed,
  };
  ctx.jobs = new JobEngine(clock, { ...DEFAULT_JOB_TIMING, ...options.jobs }, (job, site) => {
    if (job.status !== 'Success' || !job.target) return;
    const item = job.target.kind === 'datasource' ? site.datasources.get(job.target.id) : site.workbooks.get(job.target.id);
    if (item) item.updatedAt = new Date(job.endedAt ?? clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (options.bumpDataOnRefresh !== false) bumpRefreshedData(site, job.target);
    ctx.onExtractRefreshed?.(job.target.id);
  });

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 });
  installParsers(app);
  installHooks(app, ctx, options.defaultFormat ?? 'json');
  serverRoutes(app, ctx);
  authRoutes(app, ctx);
  contentRoutes(app, ctx);
  jobRoutes(app, ctx);
  searchRoutes(app, ctx);
  controlRoutes(app, ctx);
  registerSimDataRoutes(app, createDataHost(ctx));
  return { app, ctx, demoSite };
}
