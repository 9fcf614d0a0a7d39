/**
 * Version negotiation and sign-in / sign-out / switch-site. JSON bodies as tableau-mcp sends them
 * (notes §1.1); the token goes in X-Tableau-Auth afterwards (notes §1.3).
 */
import type { ConnectAuth } from '../../common/api.js';
import { restError, TableauError, tryParseJson } from './errors.js';
import { supportsFeature } from './features.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { credentialsSchema } from './schemas/credentials.js';
import { serverInfoSchema, type ServerInfo } from './schemas/serverInfo.js';
import type { Session } from './sessions.js';

/** Sends one logical request (with retries). */
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** Low version every supported server knows; serverinfo then tells the real one (TSC uses 2.4, tableau-mcp 3.24). */
export const BOOTSTRAP_API_VERSION = '3.4';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

export function signInBody(auth: ConnectAuth, siteContentUrl: string): object {
  const site = { contentUrl: siteContentUrl };
  if (auth.kind === 'pat') {
    return { credentials: { site, personalAccessTokenName: auth.patName, personalAccessTokenSecret: auth.patSecret } };
  }
  if (auth.kind === 'password') return { credentials: { site, name: auth.username, password: auth.password } };
  return { credentials: { site, jwt: auth.jwt } };
}

/** `https://host/prefix/api/3.27/auth/signin` → `https://host/prefix` */
export function baseUrlOf(url: string): string {
  const u = new URL(url);
  const i = u.pathname.indexOf('/api/');
  return `${u.origin}${i > 0 ? u.pathname.slice(0, i) : ''}`;
}

/**
 * TSC re-POSTs credentials to a sign-in redirect so that online.tableau.com reaches the pod
 * (auth_endpoint.py). Credentials must not follow a redirect anywhere though: we only allow the same
 * host or a host under the same parent domain (online.tableau.com → 10ay.online.tableau.com, pod →
 * sibling pod), and never a downgrade from https to http.
 */
export function isSafeCredentialRedirect(from: URL, to: URL): boolean {
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return false;
  if (from.protocol === 'https:' && to.protocol !== 'https:') return false;
  if (to.hostname === from.hostname) return true;
  const labels = from.hostname.split('.');
  const parent = labels.length >= 3 ? labels.slice(1).join('.') : from.hostname;
  return to.hostname === parent || to.hostname.endsWith(`.${parent}`) || to.hostname.endsWith(`.${from.hostname}`);
}

async function followRedirects(send: Transport, req: HttpRequest, credentials: boolean): Promise<{ res: HttpResponse; url: string }> {
  let url = req.url;
  for (let hop = 0; ; hop++) {
    const res = await send({ ...req, url });
    if (!REDIRECTS.has(res.status)) return { res, url };
    const location = res.headers.location;
    if (!location || hop >= MAX_HOPS) {
      throw new TableauError({ code: 'invalid-response', message: 'Tableau redirected the request too many times.', httpStatus: res.status });
    }
    const next = new URL(location, url);
    if (credentials && !isSafeCredentialRedirect(new URL(url), next)) {
      throw new TableauError({
        code: 'invalid-response',
        message: `Tableau redirected the sign-in to another site (${next.host}); the credentials were not sent there.`,
        httpStatus: res.status,
      });
    }
    url = next.toString();
  }
}

/** GET /api/{low}/serverinfo (no auth) → product + REST version (notes §3, §7). */
export async function negotiateVersion(send: Transport, serverUrl: string): Promise<ServerInfo & { baseUrl: string }> {
  const { res, url } = await followRedirects(send, { method: 'GET', url: `${serverUrl}/api/${BOOTSTRAP_API_VERSION}/serverinfo` }, false);
  if (res.status === 404) {
    throw new TableauError({
      code: 'feature-unavailable',
      message: `This does not look like a supported Tableau server: ${new URL(serverUrl).host} has no REST API ${BOOTSTRAP_API_VERSION}+ (Tableau Server 2019.2 or later is needed).`,
      httpStatus: 404,
    });
  }
  if (res.status < 200 || res.status >= 300) throw restError(res.status, res.body);
  const parsed = serverInfoSchema.safeParse(tryParseJson(res.body));
  if (!parsed.success) {
    throw new TableauError({ code: 'invalid-response', message: 'The server did not answer like Tableau (no server info).', httpStatus: res.status });
  }
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

export async function signIn(send: Transport, baseUrl: string, apiVersion: string, siteContentUrl: string, auth: ConnectAuth): Promise<Session> {
  const { res, url } = await followRedirects(
    send,
    { method: 'POST', url: `${baseUrl}/api/${apiVersion}/auth/signin`, data: signInBody(auth, siteContentUrl) },
    true,
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
  if (!creds.success) throw new TableauError({ code: 'invalid-response', message: 'Tableau answered the sign-in without a session token.', httpStatus: res.status });
  return { ...creds.data, siteContentUrl: creds.data.siteContentUrl || siteContentUrl, baseUrl: baseUrlOf(url) };
}

export async function signOut(send: Transport, session: Session, apiVersion: string): Promise<void> {
  const res = await send({ method: 'POST', url: `${session.baseUrl}/api/${apiVersion}/auth/signout`, headers: { 'X-Tableau-Auth': session.token } });
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
  if (!creds.success) throw new TableauError({ code: 'invalid-response', message: 'Tableau answered the site switch without a session token.', httpStatus: res.status });
  return { ...creds.data, siteContentUrl: creds.data.siteContentUrl || siteContentUrl, baseUrl: session.baseUrl };
}
