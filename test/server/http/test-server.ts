import { type RunningServer, startServer } from '../../../server/main.js';
import { captureLogger, tempDir } from './helpers.js';

/**
 * The companion server as most HTTP suites run it: plain http on a free port, a fresh data
 * directory, a captured logger, no Tableau retries; `options` override any of it. (Apart from
 * helpers.ts so suites that only need an API client do not import the whole server.)
 */
export function startTestServer(options: Partial<Parameters<typeof startServer>[0]> = {}): Promise<RunningServer> {
  return startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: captureLogger().logger,
    tableau: { retry: { maxAttempts: 1 } },
    ...options,
  });
}
