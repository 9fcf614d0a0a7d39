/**
 * Serving the add-in itself from the companion server (one origin: https://localhost:3000, the
 * origin the manifest names, notes/excel-addin.md §1):
 *  - dev: Vite in middleware mode; fastify's routes win and every request nothing else answers is
 *    handed to Vite (its HMR websocket rides on our own HTTPS server);
 *  - static: the built bundle from dist/addin;
 *  - always: office.js from node_modules/@microsoft/office-js/dist at /office-js/ (the CDN is not
 *    reachable here; the pane's HTML references /office-js/office.js).
 * `/` redirects to the task pane.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddinMode } from '../config.js';
import type { Fallback } from './app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_DIR = `${ROOT}dist/addin`;
export const OFFICE_JS_DIR = `${ROOT}node_modules/@microsoft/office-js/dist`;
export const VITE_CONFIG = `${ROOT}vite.config.ts`;
export const TASKPANE_PATH = '/taskpane.html';

export interface AddinServing {
  /** Stop Vite (dev mode); no-op otherwise. */
  close(): Promise<void>;
}

/** Register the add-in routes. Call after the API routes so they keep precedence. */
export async function registerAddin(
  app: FastifyInstance,
  mode: AddinMode,
  setFallback: (fallback: Fallback) => void,
  distDir: string = DIST_DIR,
): Promise<AddinServing> {
  app.get('/', (_req, reply) => reply.redirect(TASKPANE_PATH));
  if (existsSync(OFFICE_JS_DIR)) {
    await app.register(fastifyStatic, { root: OFFICE_JS_DIR, prefix: '/office-js/', decorateReply: false, index: false });
  }
  if (mode === 'static') {
    if (!existsSync(distDir)) throw new Error(`No built add-in in ${distDir}: run \`npm run build\` or start with DEV=1.`);
    await app.register(fastifyStatic, { root: distDir, prefix: '/', index: false, wildcard: true });
    return { close: async () => {} };
  }
  if (mode === 'dev') return registerVite(app, setFallback);
  return { close: async () => {} };
}

async function registerVite(app: FastifyInstance, setFallback: (fallback: Fallback) => void): Promise<AddinServing> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: VITE_CONFIG,
    appType: 'mpa',
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: { server: app.server } },
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
