/**
 * One signed-in Tableau client per saved connection, created on first use and reused by every
 * request of that connection. Creation is single-flight per connection id: two requests arriving
 * together must not sign in twice (a second PAT sign-in kills the first session, docs/tableau-rest.md#sessions).
 * Token renewal on 401 is the client's job (server/tableau SessionCache); this pool only decides
 * WHICH client a request uses and signs out when a connection is signed out or deleted.
 */
import type { ConnectAuth } from '../../common/api.js';
import type { ConnectionWithAuth } from '../store/connections.js';

export interface ConnectParams {
  serverUrl: string;
  siteContentUrl: string;
  auth: ConnectAuth;
}

/** The part of a Tableau client the pool needs; routes use the full client type `C`. */
export interface SignOutable {
  /**
   * `deadlineMs`: one attempt, abandoned after that long; `stopping`: the server is stopping, so a
   * session other instances share stays theirs (TableauClient.signOut).
   */
  signOut(options?: { deadlineMs?: number; stopping?: boolean }): Promise<void>;
}

/**
 * closeAll's budget for every sign-out together: the server must stop within 2 s even when Tableau
 * is unreachable (a black-holed address never answers the TCP handshake).
 */
const CLOSE_SIGN_OUT_DEADLINE_MS = 1_000;

export type ConnectFn<C extends SignOutable> = (params: ConnectParams) => Promise<C>;

export class ClientPool<C extends SignOutable> {
  private readonly clients = new Map<string, Promise<C>>();

  constructor(private readonly connect: ConnectFn<C>) {}

  /** The client of a saved connection (signing in when there is none yet). */
  get(connection: ConnectionWithAuth): Promise<C> {
    const id = connection.info.id;
    let client = this.clients.get(id);
    if (!client) {
      client = this.connect({
        serverUrl: connection.info.serverUrl,
        siteContentUrl: connection.info.siteContentUrl,
        auth: connection.auth,
      });
      this.clients.set(id, client);
      // A failed sign-in must not be cached: the next request tries again.
      client.catch(() => {
        if (this.clients.get(id) === client) this.clients.delete(id);
      });
    }
    return client;
  }

  /**
   * Drop the client WITHOUT signing out (the connection got new credentials): its Tableau session is
   * shared with every client of the same server + site + principal (SessionCache key), so ending it
   * would hit them too; the next request simply connects again with the new credentials.
   */
  forget(id: string): void {
    this.clients.delete(id);
  }

  /** Sign out and forget the client; the connection itself stays saved. */
  async signOut(id: string): Promise<boolean> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    if (!client) return false;
    await signOutQuietly(client);
    return true;
  }

  /**
   * At shutdown: sign every client out at once, each once (no retries), and stop waiting after
   * `deadlineMs` whatever is still pending — a sign-in still running included. An unended Tableau
   * session simply expires on the server (its idle timeout), which is all a failed sign-out costs.
   */
  async closeAll(deadlineMs = CLOSE_SIGN_OUT_DEADLINE_MS): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    if (all.length === 0) return;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    const signOuts = all.map(async (c) => {
      const client = await Promise.race([c, deadline]);
      if (!client) return; // still signing in at the deadline
      await signOutQuietly(client, { deadlineMs: Math.max(1, deadlineMs - (Date.now() - started)), stopping: true });
    });
    await Promise.race([Promise.allSettled(signOuts), deadline]);
    clearTimeout(timer);
  }
}

/** Sign-out is best effort (tableau-mcp restApiInstance.ts swallows its failures too). */
async function signOutQuietly<C extends SignOutable>(
  client: C | Promise<C>,
  options?: { deadlineMs?: number; stopping?: boolean },
): Promise<void> {
  try {
    await (await client).signOut(options);
  } catch {
    // an expired or failed session is as good as signed out
  }
}
