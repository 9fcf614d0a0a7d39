import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = here('./addin');
const outDir = here('./dist/addin');

/**
 * The add-in is a static bundle. `npm start` serves the build (dist/addin, made by
 * scripts/ensure-build.ts); only `npm run dev` runs Vite's dev server, in middleware mode inside the
 * companion server (server/http/static.ts; why: docs/serving.md). Two pages share one runtime
 * (SharedRuntime 1.1): the task pane and the ribbon commands.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    fs: {
      // Vite's default allow-list is the whole workspace (the checkout), so `/@fs/<checkout>/.data/
      // companion.sqlite` answered with the database. Only what the bundle is made of is allowed:
      // the add-in, the contracts it shares with the server, and installed packages (Vite's own
      // client and the pre-bundled dependencies live there). https://vite.dev/config/server-options#server-fs-allow
      strict: true,
      allow: [root, here('./common'), here('./node_modules')],
      // Refused even inside the allowed directories (Vite's defaults plus our data and keys).
      // https://vite.dev/config/server-options#server-fs-deny
      deny: ['.env', '.env.*', '*.{crt,pem,key}', '**/.git/**', '**/.data/**', '**/.certs/**', '*.sqlite', '*.sqlite-*', 'secret.key'],
    },
  },
  worker: {
    rollupOptions: {
      output: {
        // Vite builds a worker in a bundle of its own and writes its map into assets/, but the map's
        // sources come out relative to the output root, one level too shallow
        // (../../addin/… from dist/addin/assets/ names dist/addin/…): made relative to the map's
        // real place, so the sources resolve (and test/e2e/serving.test.ts can check them).
        sourcemapPathTransform: (source, mapPath) => relative(join(outDir, 'assets'), resolve(dirname(mapPath), source)),
      },
    },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Maps of our own bundle are served beside it (docs/serving.md): they hold only the sources
    // that are already in the bundle, and they make a stack trace from Excel readable.
    sourcemap: true,
    rollupOptions: {
      input: {
        taskpane: here('./addin/taskpane.html'),
      },
    },
  },
});
