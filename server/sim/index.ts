import type { FastifyInstance } from 'fastify';

import { buildSimApp, type SimulatorOptions } from './app.js';
import type { SessionStore } from './auth.js';
import type { Clock } from './clock.js';
import type { ExportGauge } from './exports.js';
import type { FaultController } from './faults.js';
import type { JobEngine, JobTiming } from './jobs.js';
import { DEMO } from './seed/demo.js';
import type { SimState } from './state/store.js';
import { resolveVersion } from './versions.js';
import type { WebhookHub } from './webhooks.js';

export type { SimulatorOptions } from './app.js';
export { mintConnectedAppJwt } from './jwt.js';
export { DEMO } from './seed/demo.js';

export interface SimulatorDemo {
  siteContentUrl: string;
  siteId: string;
  patName: string;
  patSecret: string;
  otherPatName: string;
  otherPatSecret: string;
  username: string;
  password: string;
  connectedApp: { clientId: string; secretId: string; secretValue: string; username: string };
}

export interface Simulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  app: FastifyInstance;
  demo: SimulatorDemo;
  faults: FaultController;
  /** Direct access to sites and content (tests add/remove workbooks etc.). */
  state: SimState;
  sessions: SessionStore;
  jobs: JobEngine;
  /** The sites' webhooks and their deliveries; `await webhooks.idle()` waits for deliveries under way. */
  webhooks: WebhookHub;
  /** Export calls in flight per site, the most seen at once, the 429s of the limit (exports.ts). */
  exports: ExportGauge;
  clock: Clock;
  setProductVersion(productVersion: string): void;
  setVdsEnabled(enabled: boolean): void;
  /** Switches the Metadata API on or off (off: FEATURE_DISABLED). Also `PATCH /_sim/settings {metadataEnabled}`. */
  setMetadataEnabled(enabled: boolean): void;
  setSessionIdleMinutes(minutes: number): void;
  setJobTiming(timing: Partial<JobTiming>): void;
  /** Replaces the hook called after each successful extract refresh. */
  setOnExtractRefreshed(hook: ((targetId: string) => void) | undefined): void;
  close(): Promise<void>;
}

/** Starts a simulator listening on `host:port` (default 127.0.0.1, a free port). */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const { app, ctx, demoSite } = await buildSimApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    app,
    demo: { ...DEMO, connectedApp: { ...DEMO.connectedApp }, siteId: demoSite.site.id },
    faults: ctx.faults,
    state: ctx.state,
    sessions: ctx.sessions,
    jobs: ctx.jobs,
    webhooks: ctx.webhooks,
    exports: ctx.exports,
    clock: ctx.clock,
    setProductVersion: (v) => {
      ctx.version = resolveVersion(v);
    },
    setVdsEnabled: (b) => {
      ctx.vdsEnabled = b;
    },
    setMetadataEnabled: (b) => {
      ctx.metadataEnabled = b;
    },
    setSessionIdleMinutes: (m) => {
      ctx.sessions.idleMs = m * 60_000;
    },
    setJobTiming: (t) => {
      ctx.jobs.timing = { ...ctx.jobs.timing, ...t };
    },
    setOnExtractRefreshed: (hook) => {
      ctx.onExtractRefreshed = hook;
    },
    close: () => app.close(),
  };
}
