/**
 * Serving the add-in itself from the companion server (one origin: https://localhost:3000, the
 * origin the manifest names, docs/excel.md#manifest). What is served and why: docs/serving.md.
 *  - static (`npm start`): the built bundle in dist/addin (scripts/ensure-build.ts), and nothing
 *    else: only the page names and assets/ files a Vite build writes, never a dotfile, never a
 *    path that leaves the directory (every other path is the API's 404);
 *  - dev (`npm run dev` only): Vite in middleware mode; fastify's routes win and every request
 *    nothing else answers is handed to Vite, whose `server.fs` allow-list (vite.config.ts) is
 *    the add-in's sources, common/ and node_modules;
 *  - office.js is not ours to serve: the pages load it from Microsoft's CDN (addin/taskpane.html).
 * `/` redirects to the task pane.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static';
import type { FastifyInstance } from 'fastify';

import type { AddinMode } from '../config.js';
import type { Fallback } from './app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_DIR = join(ROOT, 'dist', 'addin');
const VITE_CONFIG = join(ROOT, 'vite.config.ts');
/** What dev mode's Vite may read (vite.config.ts server.fs.allow). */
const DEV_SERVED_DIRS = [join(ROOT, 'addin'), join(ROOT, 'common'), join(ROOT, 'node_modules')];
export const TASKPANE_PATH = '/taskpane.html';

/**
 * The URL paths a build can hold: pages at the top (taskpane.html, support.html) and files in
 * assets/. Every segment starts with a letter, digit, `_` or `-`: no dotfile, no `..`, no `%`
 * left undecoded (`..%2f`), no deeper directory.
 */
const BUILT_PATH = /^\/(?:assets\/)?[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const isBuiltPath = (pathname: string): boolean => BUILT_PATH.test(pathname);

/** Vite names every chunk `<name>-<8-character content hash>.<ext>` (build.rollupOptions defaults). */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8}\.(?:js|css|map)$/;

export interface AddinServing {
  /** Stop Vite (dev mode); no-op otherwise. */
  close(): Promise<void>;
}

export interface AddinOptions {
  mode: AddinMode;
  /** The built add-in for mode 'static' (default dist/addin). */
  distDir?: string;
  setFallback: (fallback: Fallback) => void;
}

/** The directories whose files the server hands out in this mode (never holding the data). */
export function servedRoots(mode: AddinMode, distDir: string = DIST_DIR): string[] {
  if (mode === 'static') return [distDir];
  if (mode === 'dev') return DEV_SERVED_DIRS;
  return [];
}

/** Refuses a data directory that is, or lies inside, a directory the server serves files from. */
export function assertDataDirNotServed(dataDir: string, roots: readonly string[]): void {
  const data = realish(dataDir);
  for (const root of roots) {
    const rel = relative(realish(root), data);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) {
      throw new Error(
        `DATA_DIR ${dataDir} lies inside ${root}, which the server serves to browsers: the database and the key file would be downloadable. Choose a data directory outside it (the default is .data in the checkout).`,
      );
    }
  }
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realish(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realish(parent), relative(parent, absolute));
}

/** Register the add-in routes. Call after the API routes so they keep precedence. */
export async function registerAddin(app: FastifyInstance, options: AddinOptions): Promise<AddinServing> {
  app.get('/', (_req, reply) => reply.redirect(TASKPANE_PATH));
  if (options.mode === 'static') {
    await registerBuilt(app, options.distDir ?? DIST_DIR);
    return { close: async () => {} };
  }
  if (options.mode === 'dev') return registerVite(app, options.setFallback);
  return { close: async () => {} };
}

async function registerBuilt(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(join(distDir, 'taskpane.html'))) {
    throw new Error(`No built add-in in ${distDir}: run \`npm run build\` (npm start builds it when missing).`);
  }
  await app.register(async (scope) => {
    // A cache must key the build's files by encoding too (they come in br, gzip or plain); CORS
    // has already said Vary: Origin.
    scope.addHook('onSend', async (_request, reply, payload) => {
      const vary = String(reply.getHeader('vary') ?? '');
      if (!/accept-encoding/i.test(vary)) reply.header('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
      return payload;
    });
    await scope.register(fastifyStatic, builtFiles(distDir));
  });
}

function builtFiles(distDir: string): FastifyStaticOptions {
  return {
    root: distDir,
    prefix: '/',
    index: false,
    wildcard: true,
    dotfiles: 'ignore',
    allowedPath: (pathname) => isBuiltPath(pathname),
    // Hashed chunks never change under their name; pages and icons keep their names across
    // builds, so the browser revalidates them (ETag) on every open.
    cacheControl: false,
    // The build's brotli and gzip copies (scripts/precompress.ts) when the browser takes them.
    preCompressed: true,
    setHeaders: (res, path) => {
      const url = `/${relative(distDir, path).split(sep).join('/')}`.replace(/\.(?:br|gz)$/, '');
      res.setHeader('cache-control', HASHED_ASSET.test(url) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  };
}

async function registerVite(app: FastifyInstance, setFallback: (fallback: Fallback) => void): Promise<AddinServing> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: VITE_CONFIG,
    appType: 'mpa',
    logLevel: 'warn',
    server: { middlewareMode: true, ws: { server: app.server } },
  });
  setFallback((request, reply) => {
    reply.hijack();
    vite.middlewares(request.raw, reply.raw, () => {
      reply.raw.statusCode = 404;
      reply.raw.setHeader('content-type', 'text/plain; charset=utf-8');
      reply.raw.end('Not found');
    });
  });
  return { close: () => vite.close() };
}
