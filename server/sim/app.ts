import Fastify, { type FastifyInstance } from 'fastify';

import { SessionStore } from './auth.js';
import { type Clock, systemClock } from './clock.js';
import type { SimContext } from './context.js';
import { bumpDataVersion, datasetKeys, registerCsvDataset } from './data/catalog.js';
import { registerSimDataRoutes } from './data/routes.js';
import { createDataHost } from './data-host.js';
import { ExportGauge, TABLEAU_CLOUD_EXPORT_LIMIT } from './exports.js';
import { FaultController, type FaultSpec } from './faults.js';
import { installHooks, installParsers } from './hooks.js';
import { DEFAULT_JOB_TIMING, JobEngine, type JobTiming } from './jobs.js';
import { DEFAULT_NODE_LIMIT } from './metadata/execute.js';
import { metadataRoutes } from './metadata/routes.js';
import { authRoutes } from './routes/auth.js';
import { contentRoutes } from './routes/content.js';
import { controlRoutes } from './routes/control.js';
import { jobRoutes } from './routes/jobs.js';
import { provisioningRoutes } from './routes/provisioning.js';
import { searchRoutes } from './routes/search.js';
import { serverRoutes } from './routes/server.js';
import { webhookRoutes } from './routes/webhooks.js';
import { addCsvDataset, seedDemo } from './seed/demo.js';
import { addLargeContent } from './seed/large.js';
import type { SimJob } from './state/model.js';
import type { SiteContent } from './state/site.js';
import { SimState } from './state/store.js';
import { resolveVersion } from './versions.js';
import { DEFAULT_WEBHOOK_SETTINGS, WebhookHub, type WebhookSettings } from './webhooks.js';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** '2025.1.0', '2025.3.0', '2026.1.0' (default) ... see versions.ts. */
  productVersion?: string;
  /** Idle minutes before a token dies (Tableau Server default 240, docs/tableau-rest.md#sessions). */
  sessionIdleMinutes?: number;
  /** 'demo' (default) or the demo plus `largeWorkbooks` generated workbooks. */
  site?: 'demo' | { largeWorkbooks: number };
  faults?: FaultSpec[];
  vdsEnabled?: boolean;
  /** The Metadata API (default on; off = Tableau Server before `tsm maintenance metadata-services enable`). */
  metadataEnabled?: boolean;
  /** Objects per Metadata API answer (Tableau Server's metadata.query.limits.count, default 20,000). */
  metadataNodeLimit?: number;
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
  /**
   * Webhook deliveries: per-attempt timeout, retry waits, and the simulator-only test mode that accepts
   * http destinations on loopback (`allowHttpLoopbackForTests`; Tableau takes https only). webhooks.ts.
   */
  webhooks?: Partial<WebhookSettings>;
  /**
   * Export calls (view data, crosstab, image, PDF) allowed in flight per site; the next one gets
   * 429 + HTML. Default 20, Tableau Cloud's limit (exports.ts); null counts them without refusing.
   */
  exportLimit?: number | null;
  /** A successful refresh gives the refreshed data a new version in the data half (default true). */
  bumpDataOnRefresh?: boolean;
  logger?: boolean;
}

export interface SimApp {
  app: FastifyInstance;
  ctx: SimContext;
  demoSite: SiteContent;
}

/**
 * New data after a successful refresh: the refreshed data source's dataset, or for a workbook the
 * datasets of the published data sources it connects to (server/sim/data/catalog.ts bumpDataVersion).
 */
function bumpRefreshedData(site: SiteContent, target: { kind: 'datasource' | 'workbook'; id: string }): void {
  const dsIds = target.kind === 'datasource' ? [target.id] : (site.workbooks.get(target.id)?.connections ?? []).map((c) => c.datasourceId);
  const known = new Set(datasetKeys());
  const keys = new Set(
    dsIds.map((id) => (id ? site.datasources.get(id)?.dataKey : undefined)).filter((k): k is string => !!k && known.has(k)),
  );
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
    metadataEnabled: options.metadataEnabled ?? true,
    metadataNodeLimit: options.metadataNodeLimit ?? DEFAULT_NODE_LIMIT,
    webhooks: new WebhookHub(clock, { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks }),
    exports: new ExportGauge(options.exportLimit === undefined ? TABLEAU_CLOUD_EXPORT_LIMIT : options.exportLimit),
    onExtractRefreshed: options.onExtractRefreshed,
  };
  const onDone = (job: SimJob, site: SiteContent) => {
    // Refresh Succeeded / Failed webhook events, delivered in the background (webhooks.ts).
    if (job.target && (job.status === 'Success' || job.status === 'Failed')) {
      ctx.webhooks.refreshEvent(site.site.id, job.target, job.status === 'Success' ? 'Succeeded' : 'Failed', job.endedAt ?? clock.now());
    }
    if (job.status !== 'Success' || !job.target) return;
    const item = job.target.kind === 'datasource' ? site.datasources.get(job.target.id) : site.workbooks.get(job.target.id);
    if (item) item.updatedAt = new Date(job.endedAt ?? clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    site.touch();
    if (options.bumpDataOnRefresh !== false) bumpRefreshedData(site, job.target);
    ctx.onExtractRefreshed?.(job.target.id);
  };
  const onStart = (job: SimJob, site: SiteContent) => {
    if (job.target) ctx.webhooks.refreshEvent(site.site.id, job.target, 'Started', job.startedAt ?? clock.now());
  };
  ctx.jobs = new JobEngine(clock, { ...DEFAULT_JOB_TIMING, ...options.jobs }, onDone, onStart);

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 });
  installParsers(app);
  installHooks(app, ctx, options.defaultFormat ?? 'json');
  serverRoutes(app, ctx);
  authRoutes(app, ctx);
  contentRoutes(app, ctx);
  jobRoutes(app, ctx);
  webhookRoutes(app, ctx);
  provisioningRoutes(app, ctx);
  searchRoutes(app, ctx);
  metadataRoutes(app, ctx);
  controlRoutes(app, ctx);
  registerSimDataRoutes(app, createDataHost(ctx), clock);
  app.addHook('onClose', async () => {
    ctx.jobs.close();
    ctx.webhooks.close();
  });
  return { app, ctx, demoSite };
}
