/**
 * How the HTTP layer obtains Tableau clients.
 *
 * `shared` clients use the process-wide SessionCache: one Tableau session per server + site +
 * principal, reused by everyone with that principal (a second PAT sign-in would kill the first,
 * notes §1.6). That cache is keyed WITHOUT the secret, so it cannot prove a secret: a `fresh`
 * connect (its own cache) always signs in and is what POST /api/connections uses to check the
 * credentials before anything is saved.
 */
import { SessionCache, TableauClient, type Logger } from '../tableau/index.js';
import type { ConnectParams } from './clients.js';

export type Tableau = TableauClient;

export type ConnectMode = 'shared' | 'fresh';

export type TableauConnector = (params: ConnectParams, mode: ConnectMode) => Promise<Tableau>;

export interface TableauOptions {
  /** Per-request timeout (default 120 s in the client). */
  timeoutMs?: number;
  /** Retry policy overrides, e.g. `{ maxAttempts: 1 }` in tests. */
  retry?: Parameters<typeof TableauClient.connect>[0]['retry'];
  sessions?: SessionCache;
}

export function tableauConnector(logger: Logger, options: TableauOptions = {}): TableauConnector {
  const shared = options.sessions ?? new SessionCache();
  return (params, mode) =>
    TableauClient.connect({
      ...params,
      logger,
      sessions: mode === 'shared' ? shared : new SessionCache(),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
}
