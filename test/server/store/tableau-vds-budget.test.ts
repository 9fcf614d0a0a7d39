/**
 * The operator's VDS budget per site (VDS_QUERIES_PER_HOUR_PER_SITE) counted by two instances on one
 * PostgreSQL against the simulator: every VDS call of either instance counts, the call past the
 * budget is refused before Tableau is asked — 429 vds-budget-spent, naming our budget, Tableau's
 * limit and when the next call may run — and holds no export slot.
 */
import { randomBytes } from 'node:crypto';

import { toErrorReply } from '../../../server/http/errors.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { createSecretBox } from '../../../server/store/crypto.js';
import { openSharedTableauState } from '../../../server/store/tableau-shared.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { readAll } from '../tableau/fake.js';
import { adminUrl, eventually, memoryLogger, onCleanup, sharedDatabase, skipReason } from './tableau-shared-support.js';

describe.skipIf(!adminUrl)(`VDS budget across instances${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  it('counts both instances’ calls and refuses the one past the budget with 429 before asking Tableau', async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const box = createSecretBox(randomBytes(32));
    const instance = async () => {
      const shared = openSharedTableauState(db.url, box, { logger: memoryLogger(), vdsQueriesPerHour: 3 });
      onCleanup(() => shared.close());
      return TableauClient.connect({
        serverUrl: sim.url,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
        sessions: new SessionCache({ shared }),
      });
    };
    const a = await instance();
    const b = await instance();
    const ds = (await a.listAll('datasources')).find((d) => d.name === 'Superstore Orders')!;
    const query = { datasource: { datasourceLuid: ds.id }, query: { fields: [{ fieldCaption: 'Category' }] } };
    const counted = async () => Number((await probe.query('SELECT count(*) AS n FROM tableau_vds_calls')).rows[0].n);

    await a.vdsReadMetadata(ds.id); // metadata counts too (vds-budget.ts says why)
    const second = await b.vdsQuery(query);
    // The query says where the shared window stands after it: 2 of 3, the first call freeing it.
    const oldest = new Date((await probe.query<{ at: string }>('SELECT min(at) AS at FROM tableau_vds_calls')).rows[0]!.at);
    expect(second.budget).toEqual({ used: 2, perHour: 3, oldestFreesAt: new Date(oldest.getTime() + 3_600_000) });
    expect(JSON.parse(await readAll(second)).data).toHaveLength(3);
    // An invalid query is refused before it is counted: it never reaches Tableau.
    await expect(a.vdsQuery({ datasource: { datasourceLuid: ds.id } })).rejects.toMatchObject({ code: 'vds-invalid-query' });
    const third = await a.vdsQuery(query);
    expect(third.budget).toMatchObject({ used: 3, perHour: 3 });
    expect(JSON.parse(await readAll(third)).data).toHaveLength(3);
    expect(await counted()).toBe(3);

    const refused = await b.vdsQuery(query).catch((e: unknown) => e);
    const reply = toErrorReply(refused);
    expect(reply.status).toBe(429);
    expect(reply.body.code).toBe('vds-budget-spent');
    expect(reply.body.message).toMatch(/companion server did not send this query to Tableau/);
    expect(reply.body.message).toMatch(/budget of 3 VizQL Data Service queries an hour/);
    expect(reply.body.message).toMatch(/100 queries an hour per Creator licence/);
    // The budget frees when the window's first call is an hour old.
    const first = new Date((await probe.query<{ at: string }>('SELECT min(at) AS at FROM tableau_vds_calls')).rows[0]!.at);
    expect(reply.body.message).toContain(`at ${new Date(first.getTime() + 3_600_000).toISOString().slice(11, 16)} UTC`);
    expect(Number(/in (\d+) minutes/.exec(reply.body.message)?.[1])).toBeGreaterThanOrEqual(59);
    await expect(a.vdsReadMetadata(ds.id)).rejects.toMatchObject({ code: 'vds-budget-spent' });
    expect(await counted()).toBe(3);
    // The refusals held no export slot.
    await eventually(async () => Number((await probe.query('SELECT count(*) AS n FROM tableau_slots')).rows[0].n) === 0);

    // An hour later the oldest call has left the window: one more is allowed, then refused again.
    await probe.query(`UPDATE tableau_vds_calls SET at = at - interval '61 minutes' WHERE at = (SELECT min(at) FROM tableau_vds_calls)`);
    await readAll(await b.vdsQuery(query));
    await expect(a.vdsQuery(query)).rejects.toMatchObject({ code: 'vds-budget-spent' });
  });
});
