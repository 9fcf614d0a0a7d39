/**
 * The Tableau session cache of one server, chosen at start: on SQLite (one server, one analyst)
 * everything stays in this process as before; on PostgreSQL (DATABASE_URL: maybe several instances)
 * the sessions, the export/VDS slots per site and the VDS budget are shared through the database
 * (server/store/tableau-shared.ts; docs/limits-across-instances.md), so Tableau's limits hold
 * across instances and one PAT signs in once.
 */
import type { Store } from '../store/index.js';
import { openSharedTableauState } from '../store/tableau-shared.js';
import type { SlotSettings } from '../store/tableau-slots.js';
import type { Logger } from '../tableau/http.js';
import { SessionCache } from '../tableau/sessions.js';

export interface TableauLimitsOptions {
  /** VDS_QUERIES_PER_HOUR_PER_SITE (config.ts); undefined = no budget of ours. */
  vdsQueriesPerHourPerSite?: number;
  /** Export slots per site (`max`, both stores: tests make it 1) and, on PostgreSQL, lease and poll times (tests shorten them). */
  slots?: Partial<SlotSettings>;
}

export interface TableauLimits {
  sessions: SessionCache;
  /** Hands this instance's export slots back (PostgreSQL) and closes what it opened. */
  close(): Promise<void>;
}

export function tableauLimitsFor(store: Store, logger: Logger, options: TableauLimitsOptions = {}): TableauLimits {
  const perHour = options.vdsQueriesPerHourPerSite;
  if (!store.databaseUrl) {
    const max = options.slots?.max;
    const sessions = new SessionCache({
      ...(perHour === undefined ? {} : { vdsQueriesPerHour: perHour }),
      ...(max === undefined ? {} : { exportConcurrency: max }),
    });
    return { sessions, close: async () => undefined };
  }
  const shared = openSharedTableauState(store.databaseUrl, store.secrets, {
    logger,
    ...(perHour === undefined ? {} : { vdsQueriesPerHour: perHour }),
    ...(options.slots ? { slots: options.slots } : {}),
  });
  const onSharedError = (err: unknown, what: string) =>
    logger.warn({ code: (err as { code?: string } | null)?.code, name: (err as Error | null)?.name }, `could not ${what} in the database`);
  return { sessions: new SessionCache({ shared, onSharedError }), close: () => shared.close() };
}
