/**
 * What every answer of the companion server passes through, API, /health and the add-in's files
 * alike (docs/security.md):
 *
 *  - A Host allow-list against DNS rebinding. A page on https://evil.example can point its own name
 *    at 127.0.0.1 and then read whatever this server answers "same-origin"; the Host header is the
 *    one thing that still carries the attacker's name. Dev servers were hit exactly like this:
 *    webpack-dev-server (https://github.com/webpack/webpack-dev-server/issues/887) and Vite
 *    (https://github.com/advisories/GHSA-vg6x-rcgg-rjx6, fixed by checking Host:
 *    https://github.com/vitejs/vite/commit/bd896fb5f312fc0ff1730166d1d142fc0d34ba6d); OWASP
 *    https://owasp.org/www-community/attacks/DNS_Rebinding. Allowed: `localhost`, any IP literal
 *    (a rebinding attack needs a DNS NAME it controls; an address cannot be rebound — Vite allows
 *    IP literals by default for the same reason), and the names configured in PUBLIC_HOSTS.
 *    The PORT is not checked: rebinding never changes the name to a loopback one, so a
 *    `localhost:<other port>` Host comes from software on this machine, which can reach us anyway
 *    (a page it serves is held off the API by the Origin check in app.ts); Vite and
 *    webpack-dev-server compare the host name only too. Others get 421 Misdirected
 *    Request (RFC 9110 §15.5.20: this server will not produce an authoritative answer for that
 *    name), in the API's `{error:{code,message}}` shape.
 *  - Security headers fitting an Office add-in (securityHeaders below).
 *  (The one log line per request is request-log.ts.)
 */
import { isIP } from 'node:net';

import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { ApiError } from './errors.js';

/** `host[:port]` with a DNS name, an IPv4 address or a bracketed IPv6 address; nothing else. */
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/i;

/** The host name of a Host header, lower-case, IPv6 without brackets; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  const m = header === undefined ? null : HOST_HEADER.exec(header.trim());
  if (!m) return undefined;
  if (m[1] !== undefined) return isIP(m[1]) === 6 ? m[1].toLowerCase() : undefined;
  return m[2].toLowerCase();
}

/**
 * PUBLIC_HOSTS entries as host names: `excel.example.com`, `excel.example.com:8443` and
 * `https://excel.example.com/` all mean excel.example.com. Throws on anything else.
 */
export function parsePublicHosts(list: string | readonly string[] | undefined): string[] {
  const items = typeof list === 'string' ? list.split(',') : (list ?? []);
  return items
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const bare = item.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
      const name = hostName(bare);
      if (!name || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
        throw new Error(`PUBLIC_HOSTS: "${item}" is not a host name (write e.g. excel.example.com).`);
      }
      return name;
    });
}

export function isHostAllowed(header: string | undefined, publicHosts: ReadonlySet<string>): boolean {
  const name = hostName(header);
  if (name === undefined) return false;
  return name === 'localhost' || isIP(name) !== 0 || publicHosts.has(name);
}

/** onRequest hook: refuse any Host that is not on the allow-list, before any other work. */
export function hostAllowList(publicHosts: readonly string[]) {
  const allowed = new Set(publicHosts.map((h) => h.toLowerCase()));
  return async (request: FastifyRequest): Promise<void> => {
    // request.host is the Host header, or X-Forwarded-Host when the peer is a trusted proxy (TRUST_PROXY: app.ts).
    const header = request.host;
    if (isHostAllowed(header, allowed)) return;
    const shown = (header ?? '').slice(0, 100);
    throw new ApiError({
      code: 'host-not-allowed',
      message: `This server does not answer to the host name "${shown}". It answers to localhost, IP addresses and the names listed in PUBLIC_HOSTS.`,
    });
  };
}

/**
 * Frame ancestors Office uses for task panes on the web: Excel on the web runs the pane in an
 * iframe of *.officeapps.live.com inside office.com / microsoft365.com / cloud.microsoft /
 * SharePoint or OneDrive (live.com) pages, and every ancestor must match. The Microsoft 365 host
 * list is Microsoft's own (https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements,
 * "frame-ancestor permission"), plus the Office Online app domains. On Windows and Mac the pane is
 * a top-level WebView and has no ancestors at all.
 */
const OFFICE_FRAME_ANCESTORS = [
  'https://*.cloud.microsoft',
  'https://*.officeapps.live.com',
  'https://*.live.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
  'https://*.microsoft.com',
  'https://*.sharepoint.com',
] as const;

/** office.js in production comes from Microsoft's CDN (required for Marketplace add-ins). */
const OFFICE_JS_ORIGIN = 'https://appsforoffice.microsoft.com';

/**
 * The Content-Security-Policy directives. `dev` (Vite middleware) adds what Vite's dev client
 * needs: its inline React-refresh preamble and the HMR websocket.
 */
function cspDirectives(dev = false): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", OFFICE_JS_ORIGIN, ...(dev ? ["'unsafe-inline'"] : [])],
    // Fluent UI v9 (Griffel) inserts <style> rules at run time.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    // office.js loads Microsoft's Aria telemetry (node_modules/@microsoft/office-js/dist/ariatelemetry),
    // which posts to *.pipe.aria.microsoft.com; everything of ours is same-origin.
    'connect-src': ["'self'", 'https://*.pipe.aria.microsoft.com', ...(dev ? ['ws:', 'wss:'] : [])],
    // office.js frames Microsoft's telemetry proxy (the URL is in @microsoft/office-js
    // dist/o15apptofilemappingtable.js and the *-win32 host files); nothing of ours uses frames.
    'frame-src': ["'self'", 'https://telemetryservice.firstpartyapps.oaspapps.com'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'", ...OFFICE_FRAME_ANCESTORS],
  };
}

/**
 * helmet's defaults (https://helmetjs.github.io/) minus what breaks an Office add-in:
 *  - X-Frame-Options: off. It cannot list several origins and any value stops Office from framing
 *    the pane; CSP frame-ancestors does the job (MDN: frame-ancestors obsoletes X-Frame-Options).
 *  - Cross-Origin-Resource-Policy: cross-origin. Office on the web loads the manifest's icons
 *    from its own pages; same-origin would block them.
 *  - Cross-Origin-Opener-Policy: off. Office dialogs (displayDialogAsync) talk to their opener.
 *  - Strict-Transport-Security: off. On https://localhost it would pin HTTPS onto every other
 *    localhost server of the user; a public deployment sets it at its TLS front end.
 *  - no upgrade-insecure-requests (HTTP=1 test mode would break).
 */
export async function securityHeaders(app: FastifyInstance, options: { dev?: boolean } = {}): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(options.dev) },
    frameguard: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: false,
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
