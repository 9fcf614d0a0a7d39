/**
 * A definition names its site by server URL + site content URL only (never a secret or a server
 * id: definitions/schema.ts), so whoever opens the workbook refreshes with THEIR own connection.
 * This finds that connection among the session's.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import { normalizeServerUrl } from '../../../common/site.js';
import type { ConnectionIdentity } from '../definitions/schema.js';

/** One key per site: "https://tableau.example.com|finance" (server URL normalised, site lower-case). */
export function identityKey(identity: ConnectionIdentity): string {
  let server = identity.serverUrl;
  try {
    server = normalizeServerUrl(server);
  } catch {
    // Not a URL: compare as typed (it then simply matches no connection).
  }
  // Tableau content URLs are case-insensitive in sign-in (the site's contentUrl).
  return `${server.toLowerCase()}|${identity.siteContentUrl.trim().toLowerCase()}`;
}

/**
 * The session's connection to the definition's site. A definition written by a colleague may name
 * the address Tableau redirected to (a Cloud pod) rather than the one typed here, so the recorded
 * final server (ConnectionInfo.resolvedServerUrl) matches too.
 */
export function matchConnection(identity: ConnectionIdentity, connections: readonly ConnectionInfo[]): ConnectionInfo | null {
  const key = identityKey(identity);
  return (
    connections.find((c) => identityKey(c) === key) ??
    connections.find(
      (c) => c.resolvedServerUrl && identityKey({ serverUrl: c.resolvedServerUrl, siteContentUrl: c.siteContentUrl }) === key,
    ) ??
    null
  );
}

/** "finance on https://tableau.example.com" / "the default site on …", for prompts. */
export function describeSite(identity: ConnectionIdentity): string {
  return identity.siteContentUrl ? `${identity.siteContentUrl} on ${identity.serverUrl}` : `the default site on ${identity.serverUrl}`;
}
