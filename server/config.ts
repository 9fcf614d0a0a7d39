/**
 * Server settings from the environment and command line, validated once at start.
 *   PORT (3000) · HOST (127.0.0.1) · HTTP=1 or --http (plain HTTP: tests, or instances behind a TLS-ending proxy: docs/deploy.md) · DATA_DIR (./.data)
 *   --dev (`npm run dev`: Vite middleware, loopback only; otherwise the built add-in; no DEV
 *   variable: Vite and Vitest set DEV=1 in the environment of everything they start) ·
 *   ALLOWED_ORIGINS (comma list, extra
 *   CORS origins besides the server's own) · LOG_LEVEL (info) · DEMO=0 or --no-demo (no simulator)
 *   PUBLIC_HOSTS (comma list of host names the server answers to besides localhost and IP
 *   addresses: server/http/security.ts) · DEMO_PORT (3001: the demo site's fixed port, main.ts)
 *   TEAM=1 (team mode) · ALLOWED_TABLEAU_SERVERS · ALLOWED_WEBHOOK_HOSTS (where the server may
 *   connect: the team-mode block below, docs/security.md#team-mode-where-the-server-may-connect)
 *   ALLOWED_TABLEAU_SITES (the site content URLs users may sign in to; `(default)` = the Default
 *   site: docs/security.md#team-mode-who-the-user-is)
 *   TRUSTED_PRIVATE_RANGES (comma list of CIDRs, e.g. 10.20.0.0/16: internal addresses a listed
 *   Tableau server may have in team mode; never link-local or 0.0.0.0/8: server/net/trusted-ranges.ts)
 *   DATABASE_URL (postgres://…: the store on PostgreSQL instead of DATA_DIR's SQLite file; the
 *   key file stays in DATA_DIR: docs/store.md)
 *   TRUST_PROXY (comma list of the reverse proxies' addresses or CIDRs: X-Forwarded-For/-Proto/-Host
 *   are believed from those only: docs/deploy.md#trusted-proxy-headers-trust_proxy) · ADDIN=off (API only: no
 *   add-in files; the pane is served elsewhere)
 *   SCHEDULE_RUN_MINUTES (15; 1…1440: the longest a scheduled run may take on the job queue, and
 *   how long a run of a lost instance waits before its retry) · QUEUE_MAINTENANCE_SECONDS (60;
 *   1…600: how often lost jobs are looked for) · QUEUE_RUN_SECONDS (tests only: SCHEDULE_RUN_MINUTES
 *   in seconds, 2…3600): docs/queue.md#retry-and-expiry-settings
 *   VDS_QUERIES_PER_HOUR_PER_SITE (unset: no budget of ours; a whole number: VizQL Data Service
 *   calls per site in any 60 minutes, counted across instances on PostgreSQL, refused with
 *   429 vds-budget-spent beyond it. Tableau allows 100 an hour per Creator licence of the site,
 *   a number only the operator knows: docs/limits-across-instances.md)
 *   PUBLIC_URL (https://excel.example.com: the server's public https origin, where Tableau POSTs
 *   refresh events for "when Tableau refreshes the data" schedules; its host is answered like a
 *   PUBLIC_HOSTS name: docs/tableau-events.md)
 *   QUEUE_WORKERS (20: scheduled runs one instance takes at once on PostgreSQL: docs/queue.md)
 */
import { resolve } from 'node:path';

import ipaddr from 'ipaddr.js';
import { z } from 'zod';

import { parsePublicHosts } from './http/security.js';
import type { NetworkPolicy } from './net/guard.js';
import { parseHostList } from './net/hosts.js';
import { parseTrustedRanges } from './net/trusted-ranges.js';

export type AddinMode = 'dev' | 'static' | 'off';

export interface ServerConfig {
  port: number;
  host: string;
  protocol: 'http' | 'https';
  dataDir: string;
  addin: AddinMode;
  /** CORS origins allowed besides the server's own origin. */
  extraOrigins: string[];
  logLevel: string;
  demo: boolean;
  /** Host names answered besides localhost and IP addresses (Host allow-list). */
  publicHosts: string[];
  /** The embedded demo site's port: fixed, so tables inserted from it refresh after a restart. */
  demoPort: number;
  /** Team mode (TEAM=1): one hosted server for many analysts (issue #17). */
  team: boolean;
  /** DATABASE_URL: the store on PostgreSQL; undefined = the SQLite file in dataDir (docs/store.md). */
  databaseUrl?: string;
  /** Where the server may connect (server/net/guard.ts); undefined = anywhere (single analyst, no lists). */
  network?: NetworkPolicy;
  /** ALLOWED_TABLEAU_SITES, lower case, '' = the Default site; undefined = any site. */
  allowedSites?: string[];
  /** TRUST_PROXY: addresses/CIDRs of the reverse proxies whose X-Forwarded-* headers are believed (fastify `trustProxy`). */
  trustProxy?: string[];
  /** The job queue's settings (DATABASE_URL only; docs/queue.md); `workers` from QUEUE_WORKERS, else the runner's default. */
  queue: { runSeconds: number; maintenanceSeconds: number; workers?: number };
  /** VDS_QUERIES_PER_HOUR_PER_SITE; undefined = no VDS budget of ours (Tableau's own 429 still applies). */
  vdsQueriesPerHourPerSite?: number;
  /** PUBLIC_URL: the public https origin Tableau's webhooks reach (no trailing slash); undefined = no on-tableau-refresh schedules. */
  publicUrl?: string;
}

/** Default DEMO_PORT: next to the companion server's 3000; nothing else in the product uses it. */
const DEFAULT_DEMO_PORT = 3001;

const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  HTTP: flag,
  DEMO: z.string().optional(),
  NODE_ENV: z.string().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  ALLOWED_ORIGINS: z.string().optional(),
  PUBLIC_HOSTS: z.string().optional(),
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_DEMO_PORT),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADDIN: z.enum(['off']).optional(),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        const list = parseTrustProxy(value);
        return list.length ? list : undefined;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  // A day at most: pg-boss refuses a job expiry of 24 hours or more (MAX_EXPIRATION_HOURS, node_modules/pg-boss/src/attorney.js).
  SCHEDULE_RUN_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  QUEUE_RUN_SECONDS: z.coerce.number().int().min(2).max(3600).optional(),
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  QUEUE_WORKERS: z.coerce.number().int().min(1).max(200).optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/./i.test(v), 'a PostgreSQL URL, postgres://user:password@host:5432/database'),
  VDS_QUERIES_PER_HOUR_PER_SITE: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine(
      (v) => v === undefined || /^[1-9]\d{0,6}$/.test(v),
      'a whole number of queries an hour, 1 to 9999999 (Tableau: 100 per Creator licence)',
    )
    .transform((v) => (v === undefined ? undefined : Number(v))),
  PUBLIC_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      const problem = publicUrlProblem(v.trim());
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return new URL(v.trim()).origin;
    }),
});

/**
 * Why PUBLIC_URL is unusable, or undefined. Tableau sends webhooks to https destinations only
 * ("must be https and have a valid certificate": tableau/webhooks-docs README.md "Create a Webhook"),
 * and the receiver lives at the origin's root (/hooks/tableau/...).
 */
function publicUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value.slice(0, 100)}" is not a URL; write the server's public https origin, e.g. https://excel.example.com`;
  }
  if (url.protocol !== 'https:') return 'must be an https address: Tableau sends webhooks only to https, e.g. https://excel.example.com';
  if (url.username || url.password) return 'must not hold a user name or password';
  if (url.pathname !== '/' || url.search || url.hash) return 'must be an origin only (no path), e.g. https://excel.example.com';
  return undefined;
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
  cwd: string = process.cwd(),
): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid server settings: ${issues}`);
  }
  const e = parsed.data;
  const extraOrigins = (e.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  let publicHosts: string[];
  try {
    publicHosts = parsePublicHosts(e.PUBLIC_HOSTS);
  } catch (err) {
    throw new Error(`Invalid server settings: ${(err as Error).message}`);
  }
  // Tableau's POSTs to PUBLIC_URL carry its host name: answered like a PUBLIC_HOSTS name (http/security.ts).
  if (e.PUBLIC_URL) {
    const name = new URL(e.PUBLIC_URL).hostname.replace(/^\[|\]$/g, '');
    if (!publicHosts.includes(name)) publicHosts.push(name);
  }
  const { team, network } = teamNetwork(env);
  const allowedSites = parseSiteList(env.ALLOWED_TABLEAU_SITES);
  return {
    team,
    ...(allowedSites ? { allowedSites } : {}),
    ...(network ? { network } : {}),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.TRUST_PROXY ? { trustProxy: e.TRUST_PROXY } : {}),
    queue: {
      runSeconds: e.QUEUE_RUN_SECONDS ?? e.SCHEDULE_RUN_MINUTES * 60,
      maintenanceSeconds: e.QUEUE_MAINTENANCE_SECONDS,
      ...(e.QUEUE_WORKERS !== undefined ? { workers: e.QUEUE_WORKERS } : {}),
    },
    ...(e.VDS_QUERIES_PER_HOUR_PER_SITE ? { vdsQueriesPerHourPerSite: e.VDS_QUERIES_PER_HOUR_PER_SITE } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    port: e.PORT,
    host: e.HOST,
    protocol: e.HTTP || argv.includes('--http') ? 'http' : 'https',
    dataDir: resolve(cwd, e.DATA_DIR),
    addin: e.ADDIN ?? addinMode(argv.includes('--dev'), e.HOST),
    extraOrigins,
    logLevel: e.LOG_LEVEL,
    publicHosts,
    demoPort: e.DEMO_PORT,
    // A team server refuses loopback targets, the demo site included: it starts without one.
    demo: !team && !(argv.includes('--no-demo') || ['0', 'false', 'no', 'off'].includes((e.DEMO ?? '').toLowerCase())),
  };
}

// ---- Team mode: where the server may connect (issue #17; docs/security.md#team-mode-where-the-server-may-connect) ----

const hostList = (setting: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        const list = parseHostList(setting, value);
        return list.length ? list : undefined;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(`${setting}: `, '') });
        return z.NEVER;
      }
    });

const TeamEnvSchema = z.object({
  TEAM: flag,
  ALLOWED_TABLEAU_SERVERS: hostList('ALLOWED_TABLEAU_SERVERS'),
  ALLOWED_WEBHOOK_HOSTS: hostList('ALLOWED_WEBHOOK_HOSTS'),
  TRUSTED_PRIVATE_RANGES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        const ranges = parseTrustedRanges(value);
        return ranges.length ? ranges : undefined;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace('TRUSTED_PRIVATE_RANGES: ', '') });
        return z.NEVER;
      }
    }),
});

/**
 * Single analyst (no TEAM): the server connects where the analyst points it, loopback included (the
 * demo site of `npm start`); a list that is set is still honoured. Team mode: only listed Tableau
 * servers and webhook hosts, and only at public addresses — so it refuses to start without a list
 * of Tableau servers, and with no ALLOWED_WEBHOOK_HOSTS it sends no webhook at all. A listed
 * Tableau server may also be at an address in TRUSTED_PRIVATE_RANGES (an on-premises server;
 * server/net/trusted-ranges.ts); without TEAM every address is allowed anyway.
 */
export function teamNetwork(env: Record<string, string | undefined>): { team: boolean; network?: NetworkPolicy } {
  const parsed = TeamEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid server settings: ${issues}`);
  }
  const { TEAM: team, ALLOWED_TABLEAU_SERVERS: tableau, ALLOWED_WEBHOOK_HOSTS: webhook, TRUSTED_PRIVATE_RANGES: trusted } = parsed.data;
  if (team && !tableau) {
    throw new Error(
      'Invalid server settings: team mode (TEAM=1) needs ALLOWED_TABLEAU_SERVERS, the Tableau servers users may connect to, e.g. ALLOWED_TABLEAU_SERVERS=*.online.tableau.com,tableau.corp.example. A team server never connects wherever a user points it.',
    );
  }
  if (!team && !tableau && !webhook) return { team };
  const allowed = { ...(tableau ? { tableau } : {}), ...(webhook || team ? { webhook: webhook ?? [] } : {}) };
  return { team, network: { publicOnly: team, allowed, ...(team && trusted ? { trustedTableauRanges: trusted } : {}) } };
}

/**
 * TRUST_PROXY: the reverse proxies in front of the server, as addresses or CIDRs (fastify's
 * `trustProxy` takes such a list and believes X-Forwarded-For/-Proto/-Host only from a peer on it:
 * https://fastify.dev/docs/latest/Reference/Server/#trustproxy, matched by proxy-addr). `true`
 * would believe any client's X-Forwarded-For (a forged client address in the logs, a forged
 * X-Forwarded-Host past the Host allow-list), so it is refused: name the proxy.
 */
function parseTrustProxy(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => {
    try {
      return !(entry.includes('/') ? ipaddr.parseCIDR(entry) : ipaddr.parse(entry));
    } catch {
      return true;
    }
  });
  if (bad.length) {
    const shown = bad.map((b) => `"${b.slice(0, 60)}"`).join(', ');
    throw new Error(
      `${shown} is not an address or CIDR. List the reverse proxies' addresses, e.g. TRUST_PROXY=127.0.0.1 or 10.0.0.0/24; "true" or "*" would believe X-Forwarded-For from anyone.`,
    );
  }
  return entries;
}

/** How the Default site (content URL '') is written in ALLOWED_TABLEAU_SITES. */
const DEFAULT_SITE = '(default)';

/**
 * ALLOWED_TABLEAU_SITES: a comma list of site content URLs (as in …/#/site/<name>/), compared
 * in lower case; `(default)` names the Default site. Unset or empty = any site.
 */
function parseSiteList(value: string | undefined): string[] | undefined {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) return undefined;
  return entries.map((entry) => {
    if (entry.toLowerCase() === DEFAULT_SITE) return '';
    if (!/^[A-Za-z0-9_-]+$/.test(entry)) {
      throw new Error(
        `Invalid server settings: ALLOWED_TABLEAU_SITES: "${entry.slice(0, 100)}" is not a site content URL (as in /site/<name>/: letters, digits, - and _ only; ${DEFAULT_SITE} for the Default site).`,
      );
    }
    return entry.toLowerCase();
  });
}

/**
 * The built add-in (`npm start`; main.ts builds it when its sources changed) unless `npm run dev`
 * asks for Vite's dev server. A dev server hands out sources and transforms any module on demand,
 * so it is only for this machine: refused on any address but loopback (docs/serving.md).
 */
export function addinMode(dev: boolean, host: string): AddinMode {
  if (!dev) return 'static';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(
      `Invalid server settings: npm run dev (--dev) serves the add-in's sources and listens on loopback only; HOST=${host} is not. Use \`npm start\` to serve the built add-in on ${host}.`,
    );
  }
  return 'dev';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
