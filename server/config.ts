/**
 * Server settings from the environment and command line, validated once at start.
 *   PORT (3000) · HOST (127.0.0.1) · HTTP=1 or --http (plain HTTP: tests only) · DATA_DIR (./.data)
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
 *   DATABASE_URL (postgres://…: the store on PostgreSQL instead of DATA_DIR's SQLite file; the
 *   key file stays in DATA_DIR: docs/store.md) · QUEUE_WORKERS (20: scheduled runs one instance
 *   takes at once on PostgreSQL: docs/queue.md)
 */
import { resolve } from 'node:path';

import { z } from 'zod';

import { parsePublicHosts } from './http/security.js';
import type { NetworkPolicy } from './net/guard.js';
import { parseHostList } from './net/hosts.js';

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
  /** QUEUE_WORKERS: scheduled runs one instance takes at once on PostgreSQL; undefined = the queue runner's default (docs/queue.md). */
  queueWorkers?: number;
  /** Where the server may connect (server/net/guard.ts); undefined = anywhere (single analyst, no lists). */
  network?: NetworkPolicy;
  /** ALLOWED_TABLEAU_SITES, lower case, '' = the Default site; undefined = any site. */
  allowedSites?: string[];
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
  QUEUE_WORKERS: z.coerce.number().int().min(1).max(200).optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/./i.test(v), 'a PostgreSQL URL, postgres://user:password@host:5432/database'),
});

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
  const { team, network } = teamNetwork(env);
  const allowedSites = parseSiteList(env.ALLOWED_TABLEAU_SITES);
  return {
    team,
    ...(allowedSites ? { allowedSites } : {}),
    ...(network ? { network } : {}),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.QUEUE_WORKERS !== undefined ? { queueWorkers: e.QUEUE_WORKERS } : {}),
    port: e.PORT,
    host: e.HOST,
    protocol: e.HTTP || argv.includes('--http') ? 'http' : 'https',
    dataDir: resolve(cwd, e.DATA_DIR),
    addin: addinMode(argv.includes('--dev'), e.HOST),
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
});

/**
 * Single analyst (no TEAM): the server connects where the analyst points it, loopback included (the
 * demo site of `npm start`); a list that is set is still honoured. Team mode: only listed Tableau
 * servers and webhook hosts, and only at public addresses — so it refuses to start without a list
 * of Tableau servers, and with no ALLOWED_WEBHOOK_HOSTS it sends no webhook at all.
 */
export function teamNetwork(env: Record<string, string | undefined>): { team: boolean; network?: NetworkPolicy } {
  const parsed = TeamEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid server settings: ${issues}`);
  }
  const { TEAM: team, ALLOWED_TABLEAU_SERVERS: tableau, ALLOWED_WEBHOOK_HOSTS: webhook } = parsed.data;
  if (team && !tableau) {
    throw new Error(
      'Invalid server settings: team mode (TEAM=1) needs ALLOWED_TABLEAU_SERVERS, the Tableau servers users may connect to, e.g. ALLOWED_TABLEAU_SERVERS=*.online.tableau.com,tableau.corp.example. A team server never connects wherever a user points it.',
    );
  }
  if (!team && !tableau && !webhook) return { team };
  const allowed = { ...(tableau ? { tableau } : {}), ...(webhook || team ? { webhook: webhook ?? [] } : {}) };
  return { team, network: { publicOnly: team, allowed } };
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
