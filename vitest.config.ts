import { availableParallelism } from 'node:os';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Tests that need the throwaway PostgreSQL: the store on both implementations, the job queue, and the cluster behind nginx. */
const STORE_TESTS = ['test/server/store/**/*.test.ts', 'test/server/queue/**/*.test.ts', 'test/server/cluster/**/*.test.ts'];

/**
 * `npm test` runs four projects:
 *  - unit:    server, common and pure add-in logic in Node;
 *  - store:   the store suite on SQLite and on PostgreSQL, and the job queue's; its globalSetup starts one PostgreSQL
 *             cluster for the run (test/support/postgres-global.ts), only when a store test is
 *             queued (https://vitest.dev/config/globalsetup), so other runs never wait for it;
 *  - ui:      React components in jsdom (the .tsx files under test/addin/ui; its plain .ts files are
 *             pure logic and run in Node with the unit project, without a DOM to set up);
 *  - e2e:     whole flows over real HTTP and in headless Chromium (test/e2e), one file at a time.
 */
export default defineConfig({
  plugins: [react()],
  test: {
    globals: true,
    // Vitest's default is one worker fewer than the cores: one worker on 2 cores, each file after the
    // other. Most files spend much of their time waiting (servers, Chromium, PostgreSQL, timers), so
    // a second worker overlaps that: on 2 cores the run took 624 s instead of 757 s and used 1.1 of
    // them on average (https://vitest.dev/config/maxworkers).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/addin/ui/**/*.test.tsx', ...STORE_TESTS, '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'store',
          environment: 'node',
          include: STORE_TESTS,
          globalSetup: ['test/support/postgres-global.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          environment: 'jsdom',
          include: ['test/addin/ui/**/*.test.tsx'],
          setupFiles: ['test/addin/ui/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
