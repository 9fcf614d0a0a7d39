/**
 * `npm start`: the embedded demo Tableau site (simulator) + the companion server on
 * https://localhost:3000, serving the add-in and its API. `startServer` is also what tests and
 * e2e use to run the server in-process.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import type { FastifyInstance } from 'fastify';

import type { HealthResponse } from '../common/api.js';
import { type CertOptions, loadDevCertificates } from './certs.js';
import { type AddinMode, loadConfig } from './config.js';
import { type AppOptions, buildApp, type RouteModule } from './http/app.js';
import { trackConnections } from './http/connections.js';
import { scheduleRoutes } from './http/routes/schedules.js';
import { assertDataDirNotServed, registerAddin, servedRoots, TASKPANE_PATH } from './http/static.js';
import { createLogger, type Logger } from './log.js';
import { TargetGuard } from './net/guard.js';
import type { QueueSettings } from './schedule/queue-runner.js';
import { tableauConnector, type TableauOptions } from './services/tableau.js';
import { tableauLimitsFor, type TableauLimitsOptions } from './services/tableau-limits.js';
import { openConfiguredStore, type StoreOptions } from './store/index.js';
import { missingKeysWarning } from './store/keys.js';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export interface StartOptions {
  dataDir: string;
  /** Default 3000; 0 = a free port (tests). */
  port?: number;
  host?: string;
  /** 'https' (default) or plain 'http' for tests. */
  protocol?: 'http' | 'https';
  /** How the add-in's own files are served; default 'off' (API only). */
  addin?: AddinMode;
  /** The built add-in for addin 'static' (default dist/addin). */
  distDir?: string;
  /** CORS origins allowed besides the server's own. */
  extraOrigins?: string[];
  logger?: Logger;
  tableau?: TableauOptions;
  /** The VDS budget per site and, on PostgreSQL, the shared slots' timing (services/tableau-limits.ts). */
  tableauLimits?: TableauLimitsOptions;
  certs?: CertOptions;
  store?: StoreOptions;
  /** DATABASE_URL: the store on PostgreSQL instead of the SQLite file in dataDir (docs/store.md). */
  databaseUrl?: string;
  demo?: HealthResponse['demo'];
  /** Replaces the scheduled-pulls route module (tests pass one with a manual clock). */
  scheduling?: RouteModule;
  extraRoutes?: readonly RouteModule[];
  /** gzip pull streams for loopback clients too (tests of the gzip path). */
  compressLoopback?: boolean;
  /** Host names answered besides localhost and IP addresses (PUBLIC_HOSTS; server/http/security.ts). */
  publicHosts?: string[];
  /** Team mode: where the server may connect, for Tableau and webhooks (server/net/guard.ts). */
  network?: TargetGuard;
  /** Team mode: users are the Tableau identities sign-ins prove; ALLOWED_TABLEAU_SITES (services/connections.ts). */
  identity?: AppOptions['identity'];
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-* headers are believed (app.ts). */
  trustProxy?: string[];
  /** The job queue's settings on PostgreSQL (SCHEDULE_RUN_MINUTES…; docs/queue.md). */
  queue?: Omit<QueueSettings, 'databaseUrl'>;
  /** PUBLIC_URL: the public https origin Tableau POSTs refresh events to (docs/tableau-events.md). */
  publicUrl?: string;
}

export interface RunningServer {
  /** e.g. https://localhost:3000 or http://127.0.0.1:51234 */
  url: string;
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const protocol = options.protocol ?? 'https';
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger();
  const https = protocol === 'https' ? await loadDevCertificates({ logger, ...options.certs }) : undefined;
  assertDataDirNotServed(options.dataDir, servedRoots(options.addin ?? 'off', options.distDir));
  const store = await openConfiguredStore(options.dataDir, {
    ...options.store,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    // Only the error's kind and code: pg's messages can name the host and user.
    onConnectionError: (err) => logger.warn({ code: (err as { code?: string }).code, name: err.name }, 'a database connection failed'),
  });
  const allowedOrigins = new Set(options.extraOrigins ?? []);
  // Tableau's limits: in this process on SQLite, shared by every instance on PostgreSQL.
  const limits = tableauLimitsFor(store, logger, options.tableauLimits);
  let started: FastifyInstance | undefined;
  try {
    // Secrets under keys this data directory lacks: a key rotation not copied here yet, or a lost key.
    const missingKeys = missingKeysWarning(await store.secretsUnderMissingKeys(), options.dataDir);
    if (missingKeys) logger.warn(missingKeys);
    const { app, setFallback } = await buildApp({
      store,
      tableau: tableauConnector(logger, { agents: options.network?.agents('tableau'), sessions: limits.sessions, ...options.tableau }),
      logger,
      allowedOrigins,
      version: VERSION,
      demo: options.demo,
      scheduling:
        options.scheduling ??
        scheduleRoutes({
          ...(options.network ? { webhookGuard: options.network } : {}),
          ...(options.queue ? { queue: options.queue } : {}),
          ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        }),
      ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
      extraRoutes: options.extraRoutes,
      compressLoopback: options.compressLoopback,
      publicHosts: options.publicHosts,
      devCsp: options.addin === 'dev',
      ...(options.identity ? { identity: options.identity } : {}),
      ...(https ? { https: { key: https.key, cert: https.cert } } : {}),
    });
    started = app;
    // After the sign-out (app.ts preClose), before the server waits for its connections.
    const connections = trackConnections(app.server);
    app.addHook('preClose', async () => void connections.closeIdle());
    const addin = await registerAddin(app, { mode: options.addin ?? 'off', distDir: options.distDir, setFallback });
    app.addHook('onClose', async () => addin.close());
    await app.listen({ port: options.port ?? 3000, host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 3000);
    // The add-in's own origin: Office loads https://localhost:3000 (the manifest's SourceLocation).
    for (const name of ['localhost', '127.0.0.1']) allowedOrigins.add(`${protocol}://${name}:${port}`);
    // A public name serves the pane from its own origin, directly or behind a TLS front end on 443.
    for (const name of options.publicHosts ?? []) allowedOrigins.add(`${protocol}://${name}:${port}`).add(`https://${name}`);
    const shownHost = protocol === 'https' && isLoopback(host) ? 'localhost' : host;
    return {
      url: `${protocol}://${shownHost}:${port}`,
      port,
      app,
      close: async () => {
        // Open connections (a browser's keep-alive or preconnected sockets, a pull still streaming)
        // get a grace period, then are cut: stopping must not wait on them (issue #14: ≤ 2 s).
        const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        try {
          await app.close();
        } finally {
          clearTimeout(force);
          await limits.close();
          await store.close();
        }
      },
    };
  } catch (err) {
    await started?.close().catch(() => undefined);
    await limits.close();
    await store.close();
    throw err;
  }
}

/** How long close() lets open connections finish before cutting them (sign-out takes ≤ 1 s of it). */
export const CLOSE_GRACE_MS = 1_500;

/** host:port/database of a DATABASE_URL, never its user or password. */
function databaseHost(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

const isLoopback = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost';

/** `npm start` (through scripts/server-entry.ts in the bundle) and `tsx server/main.ts`. */
export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  // `npm start` serves the built add-in: (re)built first when its sources changed, in a child process.
  if (config.addin === 'static') await (await import('../scripts/ensure-build.js')).ensureAddinBuild();
  let sim: { url: string; close(): Promise<void>; demo: { siteContentUrl: string; patName: string; patSecret: string } } | undefined;
  if (config.demo) {
    sim = await startDemoSite(config.demoPort, config.port);
  }
  const demo = sim
    ? { serverUrl: sim.url, siteContentUrl: sim.demo.siteContentUrl, patName: sim.demo.patName, patSecret: sim.demo.patSecret }
    : undefined;
  const server = await startServer({
    dataDir: config.dataDir,
    port: config.port,
    host: config.host,
    protocol: config.protocol,
    addin: config.addin,
    extraOrigins: config.extraOrigins,
    publicHosts: config.publicHosts,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    tableauLimits: { vdsQueriesPerHourPerSite: config.vdsQueriesPerHourPerSite },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.network ? { network: new TargetGuard(config.network) } : {}),
    identity: { team: config.team, ...(config.allowedSites ? { allowedSites: config.allowedSites } : {}) },
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    queue: config.queue,
    logger,
    certs: { installCa: true },
    demo,
  });
  const lines = [
    '',
    `  Tableau → Excel companion server ${VERSION} (${config.addin === 'dev' ? 'development' : config.addin} mode)`,
    `  Open the task pane:   ${server.url}${TASKPANE_PATH}`,
    `  Data directory:       ${config.dataDir}`,
    ...(config.databaseUrl ? [`  Store:                PostgreSQL at ${databaseHost(config.databaseUrl)}`] : []),
  ];
  if (demo) {
    lines.push(
      '',
      '  Demo Tableau site (simulator; these credentials are fixtures, not secrets):',
      `    Server URL:   ${demo.serverUrl}`,
      `    Site:         ${demo.siteContentUrl}`,
      `    PAT name:     ${demo.patName}`,
      `    PAT secret:   ${demo.patSecret}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // second Ctrl+C: do not wait
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // server.close() signs out of Tableau best-effort within 1 s (ClientPool.closeAll); this is the
    // backstop should anything else hang (a client that keeps a response open).
    setTimeout(() => {
      logger.warn('shutdown took longer than 2 s; exiting anyway');
      process.exit(0);
    }, 2_000).unref();
    void Promise.allSettled([server.close(), sim?.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * The embedded demo Tableau site listens on a FIXED port (DEMO_PORT, default 3001), because a table
 * inserted from it names its server by URL (the refresh definition's connection identity:
 * addin/refresh/definitions/schema.ts), and so does the saved connection. On a new port every such
 * table would fail to refresh forever after a restart. When the port is taken the start fails with
 * words naming DEMO_PORT rather than moving the site: rewriting the saved connection to a new
 * address would not reach the URLs stored in workbooks, and a different program on the old port
 * would then receive the analysts' sign-ins. DEMO_PORT=0 picks a free port (tests that run several
 * servers at once).
 */
async function startDemoSite(demoPort: number, serverPort: number) {
  if (demoPort !== 0 && demoPort === serverPort) {
    throw new Error(
      `DEMO_PORT and PORT are both ${demoPort}: give the demo Tableau site another port (DEMO_PORT) or turn it off (DEMO=0).`,
    );
  }
  // The simulator stands in for Tableau only in `npm start` (docs/decisions.md#a-tableau-simulator-in-the-repository): loaded on demand.
  const { createSimulator } = await import('./sim/index.js');
  try {
    return await createSimulator({ port: demoPort });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new Error(
      `The demo Tableau site cannot listen on 127.0.0.1:${demoPort}: another program uses that port (another \`npm start\`?). ` +
        `Stop it, or set DEMO_PORT to a free port and keep that setting (tables inserted from the demo site remember its address), or start without the demo site (DEMO=0).`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`The companion server could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
