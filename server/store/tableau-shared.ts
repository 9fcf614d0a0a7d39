/**
 * What several instances on one PostgreSQL share of Tableau's limits (docs/limits-across-instances.md):
 * the sessions (one sign-in per PAT at a time), the export/VDS slots per site and the VDS budget per
 * site. Its own small pool: a sign-in holds a connection (its advisory lock) for as long as Tableau
 * takes to answer, and must not starve the store's queries, nor they it.
 */
import type { Logger } from '../tableau/http.js';
import { EXPORT_CONCURRENCY_PER_SITE } from '../tableau/limiter.js';
import type { SharedTableauState } from '../tableau/sessions.js';
import type { SecretBox } from './crypto.js';
import { createPool } from './postgres.js';
import { PgSharedSessions } from './tableau-sessions.js';
import { DEFAULT_SLOT_SETTINGS, SharedExportSlots, type SlotSettings } from './tableau-slots.js';
import { PgVdsBudget } from './tableau-vds-budget.js';

export interface SharedTableauOptions {
  logger: Logger;
  /** VDS_QUERIES_PER_HOUR_PER_SITE; undefined = no budget of ours. */
  vdsQueriesPerHour?: number;
  /** Lease and poll times (tests shorten them); max defaults to Tableau Cloud's 20. */
  slots?: Partial<SlotSettings>;
}

export interface OpenSharedTableau extends SharedTableauState {
  /** Hands this instance's slots back and closes the pool. */
  close(): Promise<void>;
}

/** Connections of the pool: sign-ins in progress (one per PAT), grants, heartbeats and the listener. */
const POOL_SIZE = 8;

export function openSharedTableauState(databaseUrl: string, secrets: SecretBox, options: SharedTableauOptions): OpenSharedTableau {
  const onIdleError = (err: Error) =>
    options.logger.warn({ code: (err as { code?: string }).code, name: err.name }, 'a database connection failed');
  const pool = createPool(databaseUrl, onIdleError, POOL_SIZE);
  const slots = new SharedExportSlots(
    pool,
    { max: EXPORT_CONCURRENCY_PER_SITE, ...DEFAULT_SLOT_SETTINGS, ...options.slots },
    options.logger,
  );
  return {
    fingerprintKey: secrets.deriveKey('tableau-session-fingerprint'),
    sessions: new PgSharedSessions(pool, secrets, options.logger),
    exportSlots: (site) => slots.forSite(site),
    ...(options.vdsQueriesPerHour === undefined ? {} : { vdsBudget: new PgVdsBudget(pool, options.vdsQueriesPerHour) }),
    close: async () => {
      await slots.close();
      await pool.end();
    },
  };
}
