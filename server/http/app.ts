/**
 * The companion server's fastify app: error mapping, CORS for the add-in's own origin, gzip,
 * /health, the bearer-authenticated /api scope and the add-in's files. Before anything else, on every
 * route: the Host allow-list and security headers (security.ts), a debug line per request (request-log.ts).
 *
 * /hooks/tableau/:token takes Tableau's refresh events (routes/tableau-hooks.ts), outside /api.
 *
 * Route modules are plain functions `(app, ctx) => void` (context.ts) that parse input, call a
 * service (server/services, built here once per app) and leave errors to the error handler.
 * API_ROUTES lists the ones mounted under /api; scheduled pulls and snapshots are mounted too,
 * replaceable through the `scheduling` option (tests drive them with a manual clock); tests may
 * add `extraRoutes`.
 */
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import type { HealthResponse } from '../../common/api.js';
import type { Logger } from '../log.js';
import type { ConnectionOptions } from '../services/connections.js';
import { createServices } from '../services/index.js';
import type { TableauConnector } from '../services/tableau.js';
import type { Store } from '../store/index.js';
import { sessionHook } from './auth.js';
import type { RouteContext, RouteModule } from './context.js';
import { ApiError, errorHandler, invalidInput, notFoundHandler } from './errors.js';
import { jsonShapeProblem } from './json-shape.js';
import { LIMITS } from './limits.js';
import { Readiness, storeCheck } from './readiness.js';
import { OneLineRequestLog } from './request-log.js';
import { browseRoutes } from './routes/browse.js';
import { connectionRoutes } from './routes/connections.js';
import { healthRoutes } from './routes/health.js';
import { metadataRoutes } from './routes/metadata.js';
import { publishRoutes } from './routes/publish.js';
import { pullRoutes } from './routes/pull.js';
import { rowsBehindRoutes } from './routes/rows-behind.js';
import { scheduleRoutes } from './routes/schedules.js';
import { tableauHookRoutes } from './routes/tableau-hooks.js';
import { viewImageRoutes } from './routes/view-image.js';
import { hostAllowList, securityHeaders } from './security.js';

export type { RouteModule } from './context.js';

/** Mounted under /api, behind the session hook. */
const API_ROUTES: readonly RouteModule[] = [
  connectionRoutes,
  browseRoutes,
  metadataRoutes,
  pullRoutes,
  publishRoutes,
  viewImageRoutes,
  rowsBehindRoutes,
];

export interface AppOptions {
  store: Store;
  tableau: TableauConnector;
  logger: Logger;
  /**
   * Origins allowed to call the API from a browser. A live set: startServer adds the server's own
   * origin once the port is known.
   */
  allowedOrigins: Set<string>;
  version: string;
  demo?: HealthResponse['demo'];
  /** The scheduled-pulls module; default: scheduleRoutes() (routes/schedules.ts) with the real clock. */
  scheduling?: RouteModule;
  extraRoutes?: readonly RouteModule[];
  /**
   * gzip pull streams even for clients on this machine (default false: on loopback compression
   * only costs CPU; tests set it to exercise the gzip path).
   */
  compressLoopback?: boolean;
  /** Options for the underlying server (https key/cert). */
  https?: { key: string; cert: string };
  /** Host names the server answers to besides localhost and IP addresses (PUBLIC_HOSTS). */
  publicHosts?: readonly string[];
  /** The add-in is served by Vite middleware: the CSP lets its dev client run (security.ts). */
  devCsp?: boolean;
  /** Team mode: who the user is, and the sites users may sign in to (services/connections.ts). */
  identity?: ConnectionOptions;
  /**
   * TRUST_PROXY: the reverse proxies' addresses/CIDRs. Only a request whose peer is one of them has
   * its X-Forwarded-For/-Proto/-Host believed (request.ip, .protocol, .host: fastify `trustProxy`,
   * https://fastify.dev/docs/latest/Reference/Server/#trustproxy); the Host allow-list reads
   * request.host, so behind a trusted proxy it judges the name the browser used.
   */
  trustProxy?: string[];
}

export type Fallback = (request: FastifyRequest, reply: FastifyReply) => void;

export interface App {
  app: FastifyInstance;
  ctx: RouteContext;
  /** Who answers requests no route matched, except /api and /health (dev mode: Vite). */
  setFallback(fallback: Fallback): void;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    // fastify logs two info lines per request; ours is one debug line (request-log.ts).
    logController: new OneLineRequestLog(),
    bodyLimit: LIMITS.bodyBytes,
    routerOptions: { maxParamLength: LIMITS.urlParamChars },
    // A malformed %-escape or an over-long path segment: our JSON error shape, not fastify's (which echoes the URL).
    frameworkErrors: errorHandler,
    ...(options.trustProxy?.length ? { trustProxy: options.trustProxy } : {}),
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  const ctx: RouteContext = {
    services: createServices(options.store, options.tableau, options.identity),
    version: options.version,
    demo: options.demo,
    compressLoopback: options.compressLoopback,
    readiness: new Readiness(),
    callbacks: {},
  };
  ctx.readiness.add(
    'store',
    storeCheck(() => options.store.ping()),
  );
  app.setErrorHandler(errorHandler);
  // Headers first, so that even a refused Host gets nosniff and the CSP.
  await securityHeaders(app, { dev: options.devCsp });
  app.addHook('onRequest', hostAllowList(options.publicHosts ?? []));
  // An empty body with Content-Type: application/json (a bodiless POST .../signout from fetch) is
  // "no body", not a 400; a body over a shape limit (depth, string length, items: limits.ts) is a
  // 400 naming the limit, found by a linear scan before anything parses or walks it; everything
  // else goes through fastify's safe JSON parser.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    const problem = jsonShapeProblem(body as string);
    return problem ? done(invalidInput(problem), undefined) : json(request, body as string, done);
  });
  let fallback: Fallback | undefined;
  app.setNotFoundHandler((request, reply) => {
    const apiPath =
      request.url.startsWith('/api/') || request.url === '/api' || request.url.startsWith('/health') || request.url.startsWith('/hooks/');
    return fallback && (!apiPath || isSourceModule(request.method, request.url))
      ? fallback(request, reply)
      : notFoundHandler(request, reply);
  });
  const allowed = options.allowedOrigins;
  await app.register(cors, {
    origin: (origin, cb) => cb(null, !origin || allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
  await app.register(compress, { threshold: 1024, encodings: ['gzip', 'deflate'] });
  await healthRoutes(app, ctx);
  // Tableau's refresh events: no session (a server-to-server POST proven by the token in its path).
  tableauHookRoutes(app, ctx);
  await app.register(
    async (api) => {
      api.decorateRequest('session', null);
      // A browser page from another origin must not drive the API, even with a simple request
      // that skips the CORS preflight (text/plain POST): refuse it outright.
      api.addHook('onRequest', async (request) => {
        const origin = request.headers.origin;
        if (origin && !allowed.has(origin)) {
          throw new ApiError({ code: 'forbidden-origin', message: `Requests from ${origin} are not allowed.` });
        }
      });
      api.addHook('onRequest', sessionHook(options.store.sessions, { team: options.identity?.team }));
      const scheduling = options.scheduling ?? scheduleRoutes();
      for (const routes of [...API_ROUTES, scheduling, ...(options.extraRoutes ?? [])]) await routes(api, ctx);
    },
    { prefix: '/api' },
  );
  // preClose, not onClose: fastify closes the HTTP server (waiting for open connections) before it
  // runs onClose hooks, so the sign-out would queue behind every open browser connection.
  app.addHook('preClose', async () => ctx.services.connections.closeAll());
  return { app, ctx, setFallback: (f) => void (fallback = f) };
}

/**
 * In dev mode Vite serves the add-in's modules by their source path, and the add-in's own server
 * client lives in addin/api/, i.e. at /api/client.ts. API routes never carry a file extension, so
 * an unmatched GET for a source file under /api/ belongs to Vite, not to the API's 404.
 */
export function isSourceModule(method: string, url: string): boolean {
  return method === 'GET' && /^\/api\/[^?]*\.(?:tsx?|jsx?|mjs|css)(?:\?|$)/.test(url);
}
