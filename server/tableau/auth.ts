/**
 * Version negotiation and sign-in / sign-out / switch-site. JSON bodies as tableau-mcp sends them
 * (docs/tableau-rest.md#sign-in); the token goes in X-Tableau-Auth afterwards (docs/tableau-rest.md#sessions).
 */
import { parse as parseDomain } from 'tldts';

import type { ConnectAuth } from '../../common/api.js';
import { restError, restErrorCode, TableauError, tryParseJson } from './errors.js';
import { supportsFeature } from './features.js';
import type { HttpRequest, HttpResponse, Logger } from './http.js';
import { originOf, unreachableError } from './network-errors.js';
import { credentialsSchema } from './schemas/credentials.js';
import { type ServerInfo, serverInfoSchema } from './schemas/serverInfo.js';
import type { Session } from './sessions.js';

/** Sends one logical request (with retries). */
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** Low version every supported server knows; serverinfo then tells the real one (TSC uses 2.4, tableau-mcp 3.24). */
const BOOTSTRAP_API_VERSION = '3.4';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

function signInBody(auth: ConnectAuth, siteContentUrl: string): object {
  const site = { contentUrl: siteContentUrl };
  if (auth.kind === 'pat') {
    return { credentials: { site, personalAccessTokenName: auth.patName, personalAccessTokenSecret: auth.patSecret } };
  }
  if (auth.kind === 'password') return { credentials: { site, name: auth.username, password: auth.password } };
  return { credentials: { site, jwt: auth.jwt } };
}

/** `https://host/prefix/api/3.27/auth/signin` → `https://host/prefix` */
function baseUrlOf(url: string): string {
  const u = new URL(url);
  const i = u.pathname.indexOf('/api/');
  return `${u.origin}${i > 0 ? u.pathname.slice(0, i) : ''}`;
}

/**
 * Where may a request follow a redirect? Credentials and the session token go only to the origin the
 * user gave (scheme, host AND port), with one exception Tableau Cloud needs: its front door
 * (online.tableau.com) redirects sign-in to the site's pod, and TSC re-POSTs the credentials to the
 * Location of a 301 "so that e.g. http://online.tableau.com works to redirect to
 * http://east.online.tableau.com" (tableau/server-client-python
 * tableauserverclient/server/endpoint/auth_endpoint.py `_sign_in`; TSC does not check where it
 * goes). The pod is "the first portion of the site URL", e.g. https://10ay.online.tableau.com = pod
 * 10AY (Trailhead, https://trailhead.salesforce.com/content/learn/modules/tableau-server-to-cloud-migration/manage-and-optimize-your-tableau-cloud-environment).
 * Origin = scheme, host and port (RFC 6454); redirect statuses: RFC 9110 §15.4.
 * So a redirect is followed when, compared with the address the user gave:
 *  - it never goes from https to http (at any hop), and
 *  - it stays on the same origin; or
 *  - it upgrades http to https on the same host (port 443); or
 *  - it goes over https, to the same port, to a host under the given host's PARENT domain: the host
 *    minus its first label, but never above its registrable domain (Public Suffix List, via tldts):
 *    online.tableau.com → *.tableau.com; 10ay.online.tableau.com → *.online.tableau.com;
 *    tableau.local → only *.tableau.local (not every *.local); tableau.example.co.uk → *.example.co.uk
 *    (co.uk is a public suffix); an IP address or `localhost` → nothing but itself.
 * Anything else is refused, and neither the credentials nor the token are sent there.
 */
export type RedirectVerdict = { ok: true } | { ok: false; why: 'downgrade' | 'elsewhere' | 'scheme' };

const effectivePort = (u: URL): string => u.port || (u.protocol === 'https:' ? '443' : '80');

/** The domain whose subdomains count as "the same parent" for `hostname`, or undefined (IPs, single labels). */
export function parentDomain(hostname: string): string | undefined {
  const parsed = parseDomain(hostname, { allowPrivateDomains: true });
  if (parsed.isIp || !parsed.domain) return undefined;
  const labels = hostname.split('.');
  const parent = labels.slice(1).join('.');
  const withinRegistrable = parent === parsed.domain || parent.endsWith(`.${parsed.domain}`);
  return withinRegistrable ? parent : hostname;
}

export function redirectVerdict(given: URL, from: URL, to: URL): RedirectVerdict {
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return { ok: false, why: 'scheme' };
  if ((given.protocol === 'https:' || from.protocol === 'https:') && to.protocol !== 'https:') return { ok: false, why: 'downgrade' };
  if (to.username || to.password) return { ok: false, why: 'elsewhere' };
  if (to.origin === given.origin) return { ok: true };
  if (to.hostname === given.hostname && given.protocol === 'http:' && to.protocol === 'https:' && effectivePort(to) === '443')
    return { ok: true };
  if (to.protocol !== 'https:' || effectivePort(to) !== effectivePort(given)) return { ok: false, why: 'elsewhere' };
  const parent = parentDomain(given.hostname);
  if (parent && (to.hostname === parent || to.hostname.endsWith(`.${parent}`))) return { ok: true };
  return { ok: false, why: 'elsewhere' };
}

function redirectRefused(from: URL, to: URL, why: 'downgrade' | 'elsewhere' | 'scheme', httpStatus: number): TableauError {
  const hint =
    why === 'downgrade'
      ? "The redirect would send the credentials unencrypted (https to http). Ask the Tableau server's administrator to fix the redirect."
      : `Credentials go only to the address you gave, or over https to a server under the same domain (Tableau Cloud pods). If ${originOf(to)} is the right server, connect to it directly.`;
  return new TableauError({
    code: 'redirect-refused',
    message: `Tableau at ${originOf(from)} redirected to ${originOf(to)}; the credentials were not sent there.`,
    hint,
    httpStatus,
  });
}

/**
 * Team mode: where a redirect may lead is also the operator's decision (ALLOWED_TABLEAU_SERVERS, and
 * public addresses only). The guarded agents refuse such a hop at connect time, before a byte is
 * sent (server/net/guard.ts); here the refusal gets words that say Tableau sent us there.
 */
function redirectTargetRefused(from: URL, to: URL, err: unknown): unknown {
  if (!(err instanceof TableauError) || err.code !== 'target-not-allowed') return err;
  return new TableauError({
    code: 'target-not-allowed',
    message: `Tableau at ${originOf(from)} redirected to ${originOf(to)}; nothing was sent there. ${err.message}`,
    cause: err.cause,
  });
}

/**
 * Send, following redirects that `redirectVerdict` allows (the method and body are kept: TSC
 * re-POSTs sign-in). `given` is the address the user gave; every hop is checked against it.
 */
export async function followRedirects(
  send: Transport,
  req: HttpRequest,
  given: URL,
  logger?: Logger,
): Promise<{ res: HttpResponse; url: string }> {
  let url = req.url;
  let query = req.query;
  let redirectedFrom: URL | undefined;
  for (let hop = 0; ; hop++) {
    const res = await send({ ...req, url, query }).catch((e: unknown) => {
      throw redirectedFrom ? redirectTargetRefused(redirectedFrom, new URL(url), e) : e;
    });
    if (!REDIRECTS.has(res.status)) return { res, url };
    res.stream?.destroy();
    const location = res.headers.location;
    if (!location)
      throw new TableauError({
        code: 'invalid-response',
        message: `Tableau answered HTTP ${res.status} without saying where to go.`,
        httpStatus: res.status,
      });
    if (hop >= MAX_HOPS)
      throw new TableauError({
        code: 'invalid-response',
        message: 'Tableau redirected the request too many times.',
        httpStatus: res.status,
      });
    const from = new URL(url);
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      throw new TableauError({
        code: 'invalid-response',
        message: `Tableau answered HTTP ${res.status} with an address that is not valid.`,
        httpStatus: res.status,
      });
    }
    const verdict = redirectVerdict(given, from, next);
    if (!verdict.ok) throw redirectRefused(from, next, verdict.why, res.status);
    logger?.info(
      { request: `${req.method} ${from.pathname}`, from: originOf(from), to: originOf(next), status: res.status },
      'tableau redirect followed',
    );
    // The Location is the whole address: its own query replaces ours.
    redirectedFrom = from;
    url = `${next.origin}${next.pathname}`;
    query = next.search ? next.search.slice(1) : undefined;
  }
}

/**
 * GET /api/{low}/serverinfo (no auth) → product + REST version (docs/tableau-rest.md#versions).
 *
 * This is the first request to an address the caller typed, so its failures must not tell whether a
 * port is open (network-errors.ts, "port-probe oracle"): a timeout, an answer that is not HTTP, and an
 * HTTP answer that is not Tableau all become the same 'server-unavailable' words as a refused
 * connection; the real cause goes in the error's `cause` (logged once by whoever reports it).
 * Tableau's own error answers (a JSON error body; TSC server_info_endpoint.py maps 404003 to "server
 * info endpoint not found" = too old) keep their words.
 */
export async function negotiateVersion(send: Transport, serverUrl: string, logger?: Logger): Promise<ServerInfo & { baseUrl: string }> {
  const given = new URL(serverUrl);
  const notTableau = (what: string) =>
    unreachableError(
      given,
      Object.assign(new Error(`not-tableau (GET serverinfo at ${originOf(given)}): ${what}`), { code: 'NOT_TABLEAU' }),
    );
  let answer: { res: HttpResponse; url: string };
  try {
    answer = await followRedirects(send, { method: 'GET', url: `${serverUrl}/api/${BOOTSTRAP_API_VERSION}/serverinfo` }, given, logger);
  } catch (e) {
    if (e instanceof TableauError && e.code === 'timeout') throw unreachableError(given, e.cause);
    throw e;
  }
  const { res, url } = answer;
  const tableauCode = restErrorCode(res.body) ?? /<error\s+code="(\d{6})"/.exec(res.body)?.[1];
  if (res.status === 404 && tableauCode) {
    throw new TableauError({
      code: 'feature-unavailable',
      message: `This Tableau server is too old: ${given.host} has no REST API ${BOOTSTRAP_API_VERSION}+ (Tableau Server 2019.2 or later is needed).`,
      tableauCode,
      httpStatus: 404,
    });
  }
  if (res.status < 200 || res.status >= 300) {
    if (tableauCode) throw restError(res.status, res.body);
    throw notTableau(`HTTP ${res.status} ${res.headers['content-type'] ?? 'without a content type'}`);
  }
  const parsed = serverInfoSchema.safeParse(tryParseJson(res.body));
  if (!parsed.success)
    throw notTableau(`HTTP ${res.status} ${res.headers['content-type'] ?? 'without a content type'} without server info`);
  return { ...parsed.data, baseUrl: baseUrlOf(url) };
}

export function checkAuthSupported(info: ServerInfo, auth: ConnectAuth): void {
  const need = auth.kind === 'pat' ? 'patSignIn' : auth.kind === 'jwt' ? 'jwtSignIn' : undefined;
  if (need && !supportsFeature(info, need)) {
    const what = auth.kind === 'pat' ? 'personal access tokens (REST API 3.6+)' : 'connected-app JWT sign-in (REST API 3.17+)';
    throw new TableauError({
      code: 'feature-unavailable',
      message: `This Tableau server (REST API ${info.restApiVersion}) does not support ${what}.`,
    });
  }
}

/**
 * POST /auth/signin. `given` is the address the user gave: the credentials follow a redirect only
 * where `redirectVerdict` allows (a Cloud pod), never anywhere else.
 */
export async function signIn(
  send: Transport,
  baseUrl: string,
  apiVersion: string,
  siteContentUrl: string,
  auth: ConnectAuth,
  given: URL = new URL(baseUrl),
  logger?: Logger,
): Promise<Session> {
  const { res, url } = await followRedirects(
    send,
    { method: 'POST', url: `${baseUrl}/api/${apiVersion}/auth/signin`, data: signInBody(auth, siteContentUrl) },
    given,
    logger,
  );
  if (res.status < 200 || res.status >= 300) {
    const err = restError(res.status, res.body);
    // At sign-in any 401 means the credentials (or the site) are wrong, whatever the code says.
    if (res.status === 401) {
      throw new TableauError({
        code: 'bad-credentials',
        message: 'Tableau did not accept the sign-in.',
        hint: 'Check the token name and secret (or user name and password) and the site. Personal access tokens expire after 15 days without use.',
        tableauCode: err.tableauCode,
        httpStatus: 401,
      });
    }
    throw err;
  }
  const creds = credentialsSchema.safeParse(tryParseJson(res.body));
  if (!creds.success)
    throw new TableauError({
      code: 'invalid-response',
      message: 'Tableau answered the sign-in without a session token.',
      httpStatus: res.status,
    });
  return { ...creds.data, siteContentUrl: creds.data.siteContentUrl || siteContentUrl, baseUrl: baseUrlOf(url) };
}

export async function signOut(send: Transport, session: Session, apiVersion: string): Promise<void> {
  const res = await send({
    method: 'POST',
    url: `${session.baseUrl}/api/${apiVersion}/auth/signout`,
    headers: { 'X-Tableau-Auth': session.token },
  });
  // An already-invalid token is as signed out as it gets (TSC #1351: 401002 on sign-out).
  if ((res.status < 200 || res.status >= 300) && res.status !== 401) throw restError(res.status, res.body);
}

/** POST /auth/switchSite returns a NEW credentials block; 403070 = already there (TSC treats as no-op). */
export async function switchSite(send: Transport, session: Session, apiVersion: string, siteContentUrl: string): Promise<Session> {
  const res = await send({
    method: 'POST',
    url: `${session.baseUrl}/api/${apiVersion}/auth/switchSite`,
    headers: { 'X-Tableau-Auth': session.token },
    data: { site: { contentUrl: siteContentUrl } },
  });
  if (res.status < 200 || res.status >= 300) {
    const err = restError(res.status, res.body);
    if (err.tableauCode === '403070') return session;
    throw err;
  }
  const creds = credentialsSchema.safeParse(tryParseJson(res.body));
  if (!creds.success)
    throw new TableauError({
      code: 'invalid-response',
      message: 'Tableau answered the site switch without a session token.',
      httpStatus: res.status,
    });
  return { ...creds.data, siteContentUrl: creds.data.siteContentUrl || siteContentUrl, baseUrl: session.baseUrl };
}
