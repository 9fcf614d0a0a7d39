/**
 * How the services obtain Tableau clients.
 *
 * `shared` clients use the process-wide SessionCache: one Tableau session per server + site +
 * principal, reused by everyone with that principal (a second PAT sign-in would kill the first,
 * docs/tableau-rest.md#sessions). That cache is keyed WITHOUT the secret, so it cannot prove a secret: a `fresh`
 * connect (its own cache) always signs in and is what POST /api/connections uses to check the
 * credentials before anything is saved.
 */
import type { Agents } from '../tableau/http.js';
import { type Logger, SessionCache, TableauClient } from '../tableau/index.js';
import type { ConnectParams } from './client-pool.js';

export type Tableau = TableauClient;

type ConnectMode = 'shared' | 'fresh';

export type TableauConnector = (params: ConnectParams, mode: ConnectMode) => Promise<Tableau>;

export interface TableauOptions {
  /** Per-request timeout (default 120 s in the client). */
  timeoutMs?: number;
  /** Retry policy overrides, e.g. `{ maxAttempts: 1 }` in tests. */
  retry?: Parameters<typeof TableauClient.connect>[0]['retry'];
  sessions?: SessionCache;
  /**
   * A streamed body (view CSV, VDS rows) that sends no byte for this long fails as "Tableau stopped
   * sending data". Default: TABLEAU_IDLE_TIMEOUT_MS from the environment, else 60 s.
   */
  idleTimeoutMs?: number;
  /** Team mode: agents that connect only where the operator allows (server/net/guard.ts). */
  agents?: Agents;
}

/**
 * TABLEAU_IDLE_TIMEOUT_MS: milliseconds (1000 to 3,600,000) a streamed Tableau body may stay silent.
 * Unset → undefined (the client's 60 s default); anything else is a start-up error naming the setting.
 */
export function idleTimeoutFromEnv(env: Record<string, string | undefined> = process.env): number | undefined {
  const raw = env.TABLEAU_IDLE_TIMEOUT_MS?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 3_600_000) {
    throw new Error(
      `Invalid server settings: TABLEAU_IDLE_TIMEOUT_MS must be a whole number of milliseconds between 1000 and 3600000 (got "${raw.slice(0, 40)}").`,
    );
  }
  return ms;
}

export function tableauConnector(logger: Logger, options: TableauOptions = {}): TableauConnector {
  const shared = options.sessions ?? new SessionCache();
  const idleTimeoutMs = options.idleTimeoutMs ?? idleTimeoutFromEnv();
  return (params, mode) =>
    TableauClient.connect({
      ...params,
      logger,
      sessions: mode === 'shared' ? shared : new SessionCache(),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
      ...(options.agents ? { agents: options.agents } : {}),
    });
}
