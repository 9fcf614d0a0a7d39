/**
 * Server settings from the environment and command line, validated once at start.
 *   PORT (3000) · HOST (127.0.0.1) · HTTP=1 or --http (plain HTTP: tests only) · DATA_DIR (./.data)
 *   DEV=1 (Vite middleware) · NODE_ENV=production (built files) · ALLOWED_ORIGINS (comma list, extra
 *   CORS origins besides the server's own) · LOG_LEVEL (info) · DEMO=0 or --no-demo (no simulator)
 *   PUBLIC_HOSTS (comma list of host names the server answers to besides localhost and IP
 *   addresses: server/http/security.ts) · DEMO_PORT (3001: the demo site's fixed port, main.ts)
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parsePublicHosts } from './http/security.js';

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
}

/** Default DEMO_PORT: next to the companion server's 3000; nothing else in the product uses it. */
export const DEFAULT_DEMO_PORT = 3001;

const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  HTTP: flag,
  DEV: flag,
  DEMO: z.string().optional(),
  NODE_ENV: z.string().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  ALLOWED_ORIGINS: z.string().optional(),
  PUBLIC_HOSTS: z.string().optional(),
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_DEMO_PORT),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  return {
    port: e.PORT,
    host: e.HOST,
    protocol: e.HTTP || argv.includes('--http') ? 'http' : 'https',
    dataDir: resolve(cwd, e.DATA_DIR),
    addin: addinMode(e.DEV || argv.includes('--dev'), e.NODE_ENV, existsSync(resolve(cwd, 'dist/addin/taskpane.html'))),
    extraOrigins,
    logLevel: e.LOG_LEVEL,
    publicHosts,
    demoPort: e.DEMO_PORT,
    demo: !(argv.includes('--no-demo') || ['0', 'false', 'no', 'off'].includes((e.DEMO ?? '').toLowerCase())),
  };
}

/**
 * Vite middleware (the live source) unless NODE_ENV=production asks for the built bundle.
 * A dist/ folder alone does not switch modes: a stale build left by `npm run build` or the
 * benchmarks would otherwise be served in place of the code being edited.
 */
export function addinMode(dev: boolean, nodeEnv: string | undefined, distExists: boolean): AddinMode {
  if (dev) return 'dev';
  if (nodeEnv === 'production') {
    if (!distExists) throw new Error('NODE_ENV=production needs the built add-in: run `npm run build` first.');
    return 'static';
  }
  return 'dev';
}
