/**
 * One signed-in Tableau client per saved connection, created on first use and reused by every
 * request of that connection. Creation is single-flight per connection id: two requests arriving
 * together must not sign in twice (a second PAT sign-in kills the first session, notes §1.6).
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
  signOut(): Promise<void>;
}

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

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => signOutQuietly(c)));
  }
}

/** Sign-out is best effort (tableau-mcp restApiInstance.ts swallows its failures too). */
async function signOutQuietly<C extends SignOutable>(client: Promise<C>): Promise<void> {
  try {
    await (await client).signOut();
  } catch {
    // an expired or failed session is as good as signed out
  }
}
