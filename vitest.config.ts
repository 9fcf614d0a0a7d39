import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs three projects:
 *  - unit:    server, common and pure add-in logic in Node;
 *  - ui:      React components in jsdom (files under test/addin/ui);
 *  - e2e:     whole flows over real HTTP and in headless Chromium (test/e2e), one file at a time.
 */
export default defineConfig({
  plugins: [react()],
  test: {
    globals: true,
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/addin/ui/**', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          environment: 'jsdom',
          include: ['test/addin/ui/**/*.test.{ts,tsx}'],
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
