/**
 * What `npm start` runs before the server, and `npm run build` (with --force): the add-in
 * (scripts/ensure-build.ts), then the server bundle (scripts/build-server.ts), each only when its
 * sources' hash changed (--force: always). A file of its own so that the server bundle, which
 * includes ensure-build.ts, never includes esbuild.
 */
import { ensureServerBuild } from './build-server.js';
import { ensureAddinBuild } from './ensure-build.js';

const force = process.argv.includes('--force');
try {
  await ensureAddinBuild({ force });
  await ensureServerBuild({ force });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
