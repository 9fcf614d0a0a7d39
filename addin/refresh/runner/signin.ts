/**
 * One "sign in again" prompt per site, however many tables need it.
 *
 * When Tableau refuses a connection (401000/401002 → 'bad-credentials' / 'session-expired') or the
 * session has no connection for a table's site, the runner asks here. The first table of a site
 * opens a request; every other table of that site waits on the same request (queued, not
 * prompted again) until the analyst connects (resolve) or says no (dismiss). The pane renders
 * `pending()` as its prompt; the ribbon command may bring the pane up via `onRequest`.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import type { ConnectionIdentity } from '../definitions/schema.js';
import { identityKey } from './connections.js';

type SignInReason = 'expired' | 'not-connected';

export interface SignInRequest {
  key: string;
  identity: ConnectionIdentity;
  reason: SignInReason;
  /** Tables waiting on this sign-in. */
  tables: string[];
}

export interface SignInGate {
  /** Resolves with the connection to use, or null when the analyst declined (or the wait was cancelled). */
  request(identity: ConnectionIdentity, reason: SignInReason, table: string, signal?: AbortSignal): Promise<ConnectionInfo | null>;
  /** A request is open for this site: new refreshes of it wait instead of failing first. */
  isPending(identity: ConnectionIdentity): boolean;
  /** The analyst connected to the site again: everything waiting goes on with this connection. */
  resolve(identity: ConnectionIdentity, connection: ConnectionInfo): void;
  /** The analyst declined: everything waiting fails with "sign in again". */
  dismiss(identity: ConnectionIdentity): void;
  /** Open requests (the same array until something changes). */
  pending(): SignInRequest[];
  subscribe(listener: () => void): () => void;
  /** Called once per new request (not per table): e.g. show the task pane. */
  onRequest?: (request: SignInRequest) => void;
}

interface Open {
  request: SignInRequest;
  waiters: Array<(c: ConnectionInfo | null) => void>;
}

export function createSignInGate(): SignInGate {
  const open = new Map<string, Open>();
  const listeners = new Set<() => void>();
  // A stable array between changes (React's useSyncExternalStore compares snapshots by identity).
  let snapshot: SignInRequest[] = [];
  const emit = () => {
    snapshot = [...open.values()].map((e) => e.request);
    listeners.forEach((l) => l());
  };

  function settle(identity: ConnectionIdentity, connection: ConnectionInfo | null): void {
    const key = identityKey(identity);
    const entry = open.get(key);
    if (!entry) return;
    open.delete(key);
    entry.waiters.forEach((w) => w(connection));
    emit();
  }

  const gate: SignInGate = {
    request(identity, reason, table, signal) {
      const key = identityKey(identity);
      let entry = open.get(key);
      const created = !entry;
      if (!entry) {
        entry = { request: { key, identity, reason, tables: [] }, waiters: [] };
        open.set(key, entry);
      }
      const current = entry;
      if (!current.request.tables.includes(table)) current.request = { ...current.request, tables: [...current.request.tables, table] };
      return new Promise<ConnectionInfo | null>((resolve) => {
        const waiter = (c: ConnectionInfo | null) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(c);
        };
        // A cancelled refresh stops waiting; the prompt stays for the other tables.
        const onAbort = () => {
          current.waiters = current.waiters.filter((w) => w !== waiter);
          current.request = { ...current.request, tables: current.request.tables.filter((t) => t !== table) };
          if (current.waiters.length === 0 && open.get(key) === current) open.delete(key);
          emit();
          resolve(null);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        current.waiters.push(waiter);
        if (created) gate.onRequest?.(current.request);
        emit();
      });
    },
    isPending: (identity) => open.has(identityKey(identity)),
    resolve: (identity, connection) => settle(identity, connection),
    dismiss: (identity) => settle(identity, null),
    pending: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return gate;
}
