import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./addin', import.meta.url));

/**
 * The add-in is a static bundle served by the companion server (dev: Vite middleware mode,
 * see server/http/static.ts; built: dist/addin). Two pages share one runtime (SharedRuntime 1.1):
 * the task pane and the ribbon commands.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/addin', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        taskpane: fileURLToPath(new URL('./addin/taskpane.html', import.meta.url)),
      },
    },
  },
});
