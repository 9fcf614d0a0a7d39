/**
 * A server instance that dies mid-run (test/server/queue/queue-runner.test.ts): it joins the
 * queue, starts a "run now" of SCHEDULE_ID whose pull never ends, prints `pulling <runId>` once
 * the run is going, and waits to be killed with SIGKILL (no stop, no job completed or failed).
 */
import { QueueScheduleRunner } from '../../../server/schedule/queue-runner.js';
import { openPostgresStore } from '../../../server/store/index.js';
import { captureLogger } from '../http/helpers.js';
import { COLUMNS } from '../schedule/fixtures.js';

const { DATABASE_URL, DATA_DIR, SCHEDULE_ID, QUEUE_JSON } = process.env;
const store = await openPostgresStore(DATABASE_URL!, DATA_DIR!);
let runId = '';
const runner = new QueueScheduleRunner({
  ...store.scheduleStores(),
  logger: captureLogger().logger,
  pull: async function* () {
    yield { kind: 'meta', columns: COLUMNS };
    process.stdout.write(`pulling ${runId}\n`);
    await new Promise(() => undefined); // never ends: the process is killed here
  },
  queue: { ...JSON.parse(QUEUE_JSON!), databaseUrl: DATABASE_URL! },
});
await runner.start();
runId = (await runner.runNow(SCHEDULE_ID!)).run.id;
setInterval(() => undefined, 60_000);
