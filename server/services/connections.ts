/**
 * Connections: prove credentials with a fresh sign-in, save them (secret sealed) for a user, and
 * hand out the signed-in client of a saved connection. Another user's connection id is simply
 * "not found", here for every caller (routes, browse, pulls, schedules).
 *
 * Who the user is (store/sessions.ts): a single analyst's session is its own user. On a team
 * server the sign-in proves a Tableau identity, and the user is (server, site LUID, Tableau user
 * LUID) from Tableau's sign-in response: every session that proves it sees the same connections
 * and schedules (docs/security.md#team-mode-who-the-user-is).
 */
import type { ConnectionInfo, ConnectRequest, ConnectResponse } from '../../common/api.js';
import { ApiError, notFound } from '../errors.js';
import type { ConnectionWithAuth } from '../store/connections.js';
import type { Store } from '../store/index.js';
import { ClientPool } from './client-pool.js';
import type { Tableau, TableauConnector } from './tableau.js';
import { TtlMemo } from './ttl-memo.js';

/** The caller's session, when it already has one: a new connection of the same user joins it. */
export interface KnownSession {
  id: string;
  userId: string;
  token: string;
}

export interface ConnectionOptions {
  /** Team mode (TEAM=1): a user is the Tableau identity a sign-in proves, not a session. */
  team?: boolean;
  /**
   * ALLOWED_TABLEAU_SITES: the site content URLs users may sign in to, lower case ('' = the
   * Default site); undefined = any site (of an allowed server).
   */
  allowedSites?: readonly string[];
}

/**
 * How long a scheduled run's look-up of its connection (find) is reused on this instance: 1,000
 * runs due at one minute on a few connections read and unseal each one once per few seconds
 * instead of once per run (one SQL statement per run, bench/team.ts). A change made through this
 * instance (connect, remove) is seen at once; one made through another instance within this long
 * (new credentials: the shared Tableau session is reused anyway, client-pool.ts; a deleted
 * connection takes its schedules along, so their runs stop at the schedule's look-up).
 */
const CONNECTION_MEMO_MS = 5_000;

const noConnection = () => notFound('No such connection. It may have been removed; connect again.');

const siteName = (contentUrl: string) => (contentUrl ? `"${contentUrl}"` : 'the Default site');

/** Refused before any credential is sent: the operator does not allow this site. */
function checkSiteAllowed(allowed: readonly string[] | undefined, siteContentUrl: string): void {
  if (!allowed || allowed.includes(siteContentUrl.toLowerCase())) return;
  const listed = siteContentUrl || '(default)';
  throw new ApiError({
    code: 'target-not-allowed',
    message: `The companion server may not sign in to ${siteName(siteContentUrl)}: it is not on this server's list of allowed Tableau sites. Ask your administrator to add ${listed} to ALLOWED_TABLEAU_SITES.`,
  });
}

/** find's look-up found nothing (not remembered: TtlMemo forgets a failed load). */
const UNKNOWN = Symbol('unknown connection');

const memoKey = (userId: string, id: string) => `${userId}\u0000${id}`;

function defaultLabel(serverUrl: string, siteContentUrl: string): string {
  return `${new URL(serverUrl).host} / ${siteContentUrl || 'Default'}`;
}

export class ConnectionService {
  /** Signed-in clients of saved connections (shared Tableau sessions). */
  private readonly clients: ClientPool<Tableau>;
  /** find's recent answers (CONNECTION_MEMO_MS), by user and connection id. */
  private readonly recent = new TtlMemo<ConnectionWithAuth>(CONNECTION_MEMO_MS);

  constructor(
    private readonly store: Pick<Store, 'connections' | 'sessions'>,
    private readonly tableau: TableauConnector,
    private readonly options: ConnectionOptions = {},
  ) {
    this.clients = new ClientPool((params) => tableau(params, 'shared'));
  }

  /**
   * Signs in first (a fresh sign-in, see tableau.ts): nothing is saved and no session is created
   * for credentials Tableau refuses. Without a session, one is created and its token returned. On
   * a team server the sign-in says who the user is; a session of another user (or none) gives way
   * to a new session of this one, whose token is returned.
   */
  async connect(request: ConnectRequest, session: KnownSession | undefined): Promise<ConnectResponse> {
    const { serverUrl, siteContentUrl, auth } = request;
    checkSiteAllowed(this.options.allowedSites, siteContentUrl);
    const probe = await this.tableau({ serverUrl, siteContentUrl, auth }, 'fresh');
    const info = probe.serverInfo;
    // Tableau's sign-in response names the site and the user (credentials.site.id, .user.id).
    const identity = this.options.team ? { serverUrl, siteId: probe.siteId, userId: probe.userId } : undefined;
    // The probe's session is not kept: requests use the shared session (signed in on first use).
    await probe.signOut().catch(() => undefined);
    const owner = identity
      ? await this.sessionOf(await this.store.sessions.userOf(identity), session)
      : (session ?? (await this.newSession()));
    const connection = await this.store.connections.save(
      owner.userId,
      {
        label: request.label ?? defaultLabel(serverUrl, siteContentUrl),
        serverUrl,
        // Where an allowed redirect led (a Cloud pod): recorded and shown, never the identity.
        resolvedServerUrl: probe.serverUrl,
        siteContentUrl,
        auth,
        productVersion: info.productVersion,
        restApiVersion: info.restApiVersion,
      },
      { anyPrincipal: !!identity },
    );
    // New credentials for an existing connection: the next request connects with them.
    this.clients.forget(connection.id);
    this.recent.delete(memoKey(owner.userId, connection.id));
    return { sessionToken: owner.token, connection };
  }

  list(userId: string): Promise<ConnectionInfo[]> {
    return this.store.connections.list(userId);
  }

  /** The user's own connection, or 404 (unknown and foreign ids look the same). */
  async own(userId: string, id: string): Promise<ConnectionWithAuth> {
    const found = await this.store.connections.get(userId, id);
    if (!found) throw noConnection();
    return found;
  }

  /**
   * A scheduled run's connection: the owner may have renewed the credentials since the schedule
   * was made, so it is looked up at run time, and reused for a few seconds (CONNECTION_MEMO_MS).
   * An unknown id is not remembered.
   */
  async find(userId: string, id: string): Promise<ConnectionWithAuth | undefined> {
    const load = async () => {
      const found = await this.store.connections.get(userId, id);
      if (!found) throw UNKNOWN;
      return found;
    };
    return this.recent.get(memoKey(userId, id), load).catch((err: unknown) => {
      if (err === UNKNOWN) return undefined;
      throw err;
    });
  }

  /** The signed-in client of the user's own connection (signing in on first use). */
  async client(userId: string, id: string): Promise<{ client: Tableau; connection: ConnectionWithAuth }> {
    const connection = await this.own(userId, id);
    return { client: await this.clients.get(connection), connection };
  }

  clientOf(connection: ConnectionWithAuth): Promise<Tableau> {
    return this.clients.get(connection);
  }

  /** Ends the connection's Tableau session; the connection stays saved. */
  async signOut(userId: string, id: string): Promise<void> {
    const { info } = await this.own(userId, id);
    await this.clients.signOut(info.id);
  }

  async remove(userId: string, id: string): Promise<void> {
    const { info } = await this.own(userId, id);
    await this.clients.signOut(info.id);
    this.recent.delete(memoKey(userId, info.id));
    await this.store.connections.delete(userId, info.id);
    this.recent.delete(memoKey(userId, info.id));
  }

  /** At shutdown: every client signs out, within ClientPool's deadline. */
  closeAll(): Promise<void> {
    return this.clients.closeAll();
  }

  /** The caller's session when it acts for `userId` already, else a new session for `userId`. */
  private async sessionOf(userId: string, session: KnownSession | undefined): Promise<KnownSession> {
    return session?.userId === userId ? session : this.newSession(userId);
  }

  private async newSession(userId?: string): Promise<KnownSession> {
    const { token, session } = await this.store.sessions.create(userId);
    return { id: session.id, userId: session.userId, token };
  }
}
