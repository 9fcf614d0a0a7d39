import type { SessionStore } from './auth.js';
import type { Clock } from './clock.js';
import type { ExportGauge } from './exports.js';
import type { FaultController, FaultPlan } from './faults.js';
import type { JobEngine } from './jobs.js';
import type { SimState } from './state/store.js';
import type { ServerVersion } from './versions.js';
import type { WebhookHub } from './webhooks.js';

/** Everything the routes of one simulator share. Mutable settings are plain fields. */
export interface SimContext {
  state: SimState;
  clock: Clock;
  sessions: SessionStore;
  faults: FaultController;
  jobs: JobEngine;
  version: ServerVersion;
  vdsEnabled: boolean;
  /** Off: every Metadata API query answers FEATURE_DISABLED (metadata/routes.ts). */
  metadataEnabled: boolean;
  /** Objects one Metadata API answer may hold before it is cut (metadata/execute.ts). */
  metadataNodeLimit: number;
  /** The sites' webhooks and their deliveries (webhooks.ts). */
  webhooks: WebhookHub;
  /** Export calls in flight per site, and Tableau Cloud's limit of 20 (exports.ts). */
  exports: ExportGauge;
  /** Called once per successful extract refresh with the data source or workbook LUID. */
  onExtractRefreshed?: (targetId: string) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Faults that hit this request (set by the faults hook). */
    simFaults?: FaultPlan;
  }
}
