/**
 * Saved Tableau connections, each owned by one user (sessions.ts: a single analyst's session, or a
 * team server's proven Tableau user). The credentials (PAT secret,
 * password or JWT) are sealed with AES-256-GCM (crypto.ts) bound to the connection id; only the
 * principal (PAT name / username) is kept in clear so the pane can show who is signed in.
 */
import { randomUUID } from 'node:crypto';

import type { ConnectAuth, ConnectionInfo } from '../../common/api.js';
import type { SecretBox } from './crypto.js';
import { MissingKeyError } from './keys.js';
import { isUniqueViolation, type Sql } from './sql.js';

export interface NewConnection {
  label: string;
  serverUrl: string;
  /** Where Tableau answered after an allowed redirect, when not serverUrl (ConnectionInfo). */
  resolvedServerUrl?: string;
  siteContentUrl: string;
  auth: ConnectAuth;
  productVersion?: string;
  restApiVersion?: string;
}

export interface ConnectionWithAuth {
  info: ConnectionInfo;
  auth: ConnectAuth;
}

export interface SaveOptions {
  /**
   * The user is a proven Tableau identity (team mode): any new credential of the same kind for the
   * same server and site replaces theirs (a new PAT under a new name is the same access), instead
   * of only one naming the same principal.
   */
  anyPrincipal?: boolean;
}

export interface ConnectionStore {
  /**
   * Saves a connection for the user. The same server + site + principal saved again by the same
   * user replaces the stored credentials and keeps its id (a renewed PAT is not a new connection);
   * with `anyPrincipal`, the same server + site + kind of credential does.
   */
  save(userId: string, input: NewConnection, options?: SaveOptions): Promise<ConnectionInfo>;
  list(userId: string): Promise<ConnectionInfo[]>;
  /** Undefined when the id is unknown or belongs to another user (callers answer 404 either way). */
  get(userId: string, id: string): Promise<ConnectionWithAuth | undefined>;
  delete(userId: string, id: string): Promise<boolean>;
}

/** principal_key of a connection any credential of its user's may update (SaveOptions.anyPrincipal). */
const ANY_PRINCIPAL = '*';

/** PAT name, username, or the JWT's `sub` claim: who the connection signs in as, never a secret. */
export function principalOf(auth: ConnectAuth): string {
  switch (auth.kind) {
    case 'pat':
      return auth.patName;
    case 'password':
      return auth.username;
    case 'jwt':
      return jwtSubject(auth.jwt) ?? 'connected app';
  }
}

function jwtSubject(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

interface ConnectionRow {
  id: string;
  label: string;
  server_url: string;
  resolved_server_url: string | null;
  site_content_url: string;
  auth_kind: ConnectAuth['kind'];
  principal: string;
  sealed_auth: string;
  product_version: string | null;
  rest_api_version: string | null;
  created_at: string;
}

function toInfo(row: ConnectionRow): ConnectionInfo {
  return {
    id: row.id,
    label: row.label,
    serverUrl: row.server_url,
    ...(row.resolved_server_url ? { resolvedServerUrl: row.resolved_server_url } : {}),
    siteContentUrl: row.site_content_url,
    authKind: row.auth_kind,
    principal: row.principal,
    ...(row.product_version ? { productVersion: row.product_version } : {}),
    ...(row.rest_api_version ? { restApiVersion: row.rest_api_version } : {}),
    createdAt: row.created_at,
  };
}

export class SqlConnectionStore implements ConnectionStore {
  constructor(
    private readonly sql: Sql,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async save(userId: string, input: NewConnection, options: SaveOptions = {}): Promise<ConnectionInfo> {
    try {
      return await this.saveOnce(userId, input, options);
    } catch (err) {
      // Another save of the same identity inserted first (another request, another instance):
      // the connection exists now, so this save updates it (UNIQUE connections_identity).
      if (!isUniqueViolation(err)) throw err;
      return this.saveOnce(userId, input, options);
    }
  }

  private async saveOnce(userId: string, input: NewConnection, options: SaveOptions): Promise<ConnectionInfo> {
    const principal = principalOf(input.auth);
    const principalKey = options.anyPrincipal ? ANY_PRINCIPAL : principal;
    const existing = await this.sql.get<{ id: string }>(
      `SELECT id FROM connections WHERE user_id = ? AND server_url = ? AND site_content_url = ?
         AND auth_kind = ? AND principal_key = ?`,
      [userId, input.serverUrl, input.siteContentUrl, input.auth.kind, principalKey],
    );
    const id = existing?.id ?? randomUUID();
    // Sealed per connection: the id is the associated data, so a sealed secret cannot be moved to another row.
    const sealed = this.box.seal(JSON.stringify(input.auth), id);
    const resolved = input.resolvedServerUrl && input.resolvedServerUrl !== input.serverUrl ? input.resolvedServerUrl : null;
    if (existing) {
      await this.sql.run(
        `UPDATE connections SET label = ?, principal = ?, sealed_auth = ?, product_version = ?, rest_api_version = ?,
           resolved_server_url = ? WHERE id = ?`,
        [input.label, principal, sealed, input.productVersion ?? null, input.restApiVersion ?? null, resolved, id],
      );
    } else {
      await this.sql.run(
        `INSERT INTO connections (id, user_id, label, server_url, site_content_url, auth_kind,
           principal, principal_key, sealed_auth, product_version, rest_api_version, created_at, resolved_server_url)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          userId,
          input.label,
          input.serverUrl,
          input.siteContentUrl,
          input.auth.kind,
          principal,
          principalKey,
          sealed,
          input.productVersion ?? null,
          input.restApiVersion ?? null,
          this.now().toISOString(),
          resolved,
        ],
      );
    }
    return toInfo((await this.row(userId, id))!);
  }

  async list(userId: string): Promise<ConnectionInfo[]> {
    const rows = await this.sql.all<ConnectionRow>('SELECT * FROM connections WHERE user_id = ? ORDER BY created_at, id', [userId]);
    return rows.map(toInfo);
  }

  async get(userId: string, id: string): Promise<ConnectionWithAuth | undefined> {
    const row = await this.row(userId, id);
    if (!row) return undefined;
    let sealed: string;
    try {
      sealed = this.box.open(row.sealed_auth, row.id);
    } catch (err) {
      throw new SecretUnreadableError(toInfo(row).label, err instanceof MissingKeyError ? err : undefined);
    }
    return { info: toInfo(row), auth: JSON.parse(sealed) as ConnectAuth };
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM connections WHERE user_id = ? AND id = ?', [userId, id])) > 0;
  }

  private row(userId: string, id: string): Promise<ConnectionRow | undefined> {
    return this.sql.get<ConnectionRow>('SELECT * FROM connections WHERE user_id = ? AND id = ?', [userId, id]);
  }
}

/**
 * The saved secret does not unseal. Either the key file beside the database was replaced or lost
 * (a restored backup, a new machine): nothing can recover it, the analyst has to connect again.
 * Or the store's key was rotated and this instance was not given the new key files yet
 * (docs/store.md#key-rotation). A value naming a key this instance lacks (`missingKey`) may be
 * either; the operator's words are in `cause`, which logs show and the answer does not (it names
 * server paths).
 */
export class SecretUnreadableError extends Error {
  constructor(
    readonly label: string,
    missingKey?: MissingKeyError,
  ) {
    super('secret-unreadable', missingKey ? { cause: missingKey } : undefined);
    this.name = 'SecretUnreadableError';
  }

  toApiError() {
    if (this.cause instanceof MissingKeyError) {
      // From here a lost key file and a rotation this instance has not caught up with look alike.
      return {
        code: 'secret-unreadable',
        message:
          `The saved credentials of "${this.label}" are sealed with a key this server does not have (key ${this.cause.keyId}): ` +
          'its key file was replaced, or the key was rotated and this server instance was not given the new one yet.',
        hint: "Forget this connection and connect again with your token; or, if the server's key was just rotated, ask its operator to give every instance the current key files (docs/store.md#key-rotation) and try again.",
      };
    }
    return {
      code: 'secret-unreadable',
      message: `The saved credentials of "${this.label}" can no longer be read: the companion server's key file changed.`,
      hint: 'Forget this connection and connect again with your token.',
    };
  }
}
