/**
 * Connections: prove credentials with a fresh sign-in, save them (secret sealed) for a session,
 * and hand out the signed-in client of a saved connection. Another session's connection id is
 * simply "not found", here for every caller (routes, browse, pulls, schedules).
 */
import type { ConnectionInfo, ConnectRequest, ConnectResponse } from '../../common/api.js';
import { notFound } from '../errors.js';
import type { ConnectionWithAuth } from '../store/connections.js';
import type { Store } from '../store/index.js';
import { ClientPool } from './client-pool.js';
import type { Tableau, TableauConnector } from './tableau.js';

/** The caller's session, when it already has one: a new connection joins it. */
export interface KnownSession {
  id: string;
  token: string;
}

const noConnection = () => notFound('No such connection. It may have been removed; connect again.');

function defaultLabel(serverUrl: string, siteContentUrl: string): string {
  return `${new URL(serverUrl).host} / ${siteContentUrl || 'Default'}`;
}

export class ConnectionService {
  /** Signed-in clients of saved connections (shared Tableau sessions). */
  private readonly clients: ClientPool<Tableau>;

  constructor(
    private readonly store: Pick<Store, 'connections' | 'sessions'>,
    private readonly tableau: TableauConnector,
  ) {
    this.clients = new ClientPool((params) => tableau(params, 'shared'));
  }

  /**
   * Signs in first (a fresh sign-in, see tableau.ts): nothing is saved and no session is created
   * for credentials Tableau refuses. Without a session, one is created and its token returned.
   */
  async connect(request: ConnectRequest, session: KnownSession | undefined): Promise<ConnectResponse> {
    const { serverUrl, siteContentUrl, auth } = request;
    const probe = await this.tableau({ serverUrl, siteContentUrl, auth }, 'fresh');
    const info = probe.serverInfo;
    // The probe's session is not kept: requests use the shared session (signed in on first use).
    await probe.signOut().catch(() => undefined);
    const owner = session ?? (await this.newSession());
    const connection = await this.store.connections.save(owner.id, {
      label: request.label ?? defaultLabel(serverUrl, siteContentUrl),
      serverUrl,
      // Where an allowed redirect led (a Cloud pod): recorded and shown, never the identity.
      resolvedServerUrl: probe.serverUrl,
      siteContentUrl,
      auth,
      productVersion: info.productVersion,
      restApiVersion: info.restApiVersion,
    });
    // New credentials for an existing connection: the next request connects with them.
    this.clients.forget(connection.id);
    return { sessionToken: owner.token, connection };
  }

  list(sessionId: string): Promise<ConnectionInfo[]> {
    return this.store.connections.list(sessionId);
  }

  /** The session's own connection, or 404 (unknown and foreign ids look the same). */
  async own(sessionId: string, id: string): Promise<ConnectionWithAuth> {
    const found = await this.store.connections.get(sessionId, id);
    if (!found) throw noConnection();
    return found;
  }

  /** Looked up at each call: the owner may have renewed the credentials meanwhile. */
  find(sessionId: string, id: string): Promise<ConnectionWithAuth | undefined> {
    return this.store.connections.get(sessionId, id);
  }

  /** The signed-in client of the session's own connection (signing in on first use). */
  async client(sessionId: string, id: string): Promise<{ client: Tableau; connection: ConnectionWithAuth }> {
    const connection = await this.own(sessionId, id);
    return { client: await this.clients.get(connection), connection };
  }

  clientOf(connection: ConnectionWithAuth): Promise<Tableau> {
    return this.clients.get(connection);
  }

  /** Ends the connection's Tableau session; the connection stays saved. */
  async signOut(sessionId: string, id: string): Promise<void> {
    const { info } = await this.own(sessionId, id);
    await this.clients.signOut(info.id);
  }

  async remove(sessionId: string, id: string): Promise<void> {
    const { info } = await this.own(sessionId, id);
    await this.clients.signOut(info.id);
    await this.store.connections.delete(sessionId, info.id);
  }

  /** At shutdown: every client signs out, within ClientPool's deadline. */
  closeAll(): Promise<void> {
    return this.clients.closeAll();
  }

  private async newSession(): Promise<KnownSession> {
    const { token, session } = await this.store.sessions.create();
    return { id: session.id, token };
  }
}
