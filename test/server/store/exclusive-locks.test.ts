/**
 * "One at a time" across instances (server/store/exclusive-locks.ts): on both stores a name held is
 * busy until released; on PostgreSQL the lock is every instance's, and an instance whose database
 * connection dies (kill -9) leaves nothing locked. Over HTTP: two servers on one PostgreSQL never
 * apply publish plans to one Tableau site at once (publish-busy), whoever applies.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { guessColumns, type PublishTable } from '../../../common/publish.js';
import { startServer } from '../../../server/main.js';
import { createSimulator, DEMO, type Simulator } from '../../../server/sim/index.js';
import { openPostgresStore } from '../../../server/store/index.js';
import { apiClient, captureLogger, connectDemo } from '../http/helpers.js';
import { describeEachStore } from './backends.js';
import { adminUrl, eventually, onCleanup, sharedDatabase, skipReason } from './tableau-shared-support.js';

describeEachStore('exclusive locks', (backend) => {
  it('a held name is busy until released, then free again; other names are free meanwhile', async () => {
    const { store } = await backend.open();
    const release = await store.locks.tryHold('publish|site-a');
    expect(release).toBeDefined();
    expect(await store.locks.tryHold('publish|site-a')).toBeUndefined();
    const other = await store.locks.tryHold('publish|site-b');
    expect(other).toBeDefined();
    await release!();
    await release!(); // idempotent
    const again = await store.locks.tryHold('publish|site-a');
    expect(again).toBeDefined();
    await again!();
    await other!();
  });
});

describe.skipIf(!adminUrl)(`exclusive locks across instances${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('one instance at a time; a dead instance’s lock is free as soon as its connection is gone', async () => {
    const db = await sharedDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'locks-'));
    const [a, b] = [await openPostgresStore(db.url, dataDir), await openPostgresStore(db.url, dataDir)];
    onCleanup(() => b.close());
    const held = await a.locks.tryHold('publish|site');
    expect(held).toBeDefined();
    expect(await b.locks.tryHold('publish|site')).toBeUndefined();
    // kill -9 of instance A: its connections end; PostgreSQL drops the session's advisory locks.
    const probe = db.pool();
    await probe.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 7231021 AND pid <> pg_backend_pid()",
    );
    await eventually(async () => {
      const release = await b.locks.tryHold('publish|site');
      if (release) await release();
      return !!release;
    });
    void a.close().catch(() => undefined);
  });

  describe('publishing through two servers', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await createSimulator();
    });
    afterAll(() => sim.close());

    it('a colleague on another instance is told publish-busy while a table is applied to the same site', async () => {
      const db = await sharedDatabase();
      const dataDir = mkdtempSync(join(tmpdir(), 'publish-'));
      const start = async () => {
        const server = await startServer({ dataDir, databaseUrl: db.url, port: 0, protocol: 'http', logger: captureLogger('warn').logger });
        onCleanup(() => server.close());
        return apiClient(server.url);
      };
      const [a, b] = [await start(), await start()];
      // Two analysts, each signed in on their own instance, with the same site.
      const [first, second] = [await connectDemo(a, sim), await connectDemo(b, sim)];
      const headers = ['Group'];
      const table = (name: string): PublishTable => ({
        kind: 'groups',
        headers,
        columns: guessColumns(headers, 'groups'),
        rows: [{ index: 0, cells: [name] }],
      });
      const apply = async (api: typeof a, who: typeof first, t: PublishTable) => {
        const plan = await api.call('POST', `/api/connections/${who.cid}/publish/dry-run`, { token: who.token, body: t });
        expect(plan.status, plan.text).toBe(200);
        return () =>
          api.call('POST', `/api/connections/${who.cid}/publish/apply`, {
            token: who.token,
            body: { table: t, planId: plan.json.planId, confirm: true },
          });
      };
      const [applyA, applyB] = [await apply(a, first, table('Slow one')), await apply(b, second, table('Other one'))];
      const site = sim.state.siteNamed(DEMO.siteContentUrl)!;
      // A's write takes a while at Tableau; B's apply arrives meanwhile, on the other instance.
      sim.faults.add({ kind: 'latency', ms: 1_500, path: `${site.site.id}/groups`, method: 'POST', count: 1 });
      const slow = applyA();
      // The delayed write has reached the simulator (its fault is used up): A holds the site's lock.
      await eventually(() => sim.faults.list().length === 0);
      const busy = await applyB();
      expect(busy.status, busy.text).toBe(409);
      expect(busy.json.error).toMatchObject({ code: 'publish-busy', message: expect.stringContaining('this Tableau site') });
      expect((await slow).status).toBe(200);
      // Once A is done, B's apply goes through.
      expect((await applyB()).status).toBe(200);
    });
  });
});
