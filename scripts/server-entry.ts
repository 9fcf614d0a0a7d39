/**
 * Entry of the bundled server (scripts/build-server.ts → dist/server/main.mjs, what `npm start`
 * runs): the same start-up as `tsx server/main.ts`.
 */
import { main } from '../server/main.js';

main().catch((err: unknown) => {
  process.stderr.write(`The companion server could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
