/**
 * Issue #22 must-show, over real HTTP against the simulator: the dry run of every kind of table with
 * every kind of row, the site-admin check before any change, the apply through a 429, an expired
 * token and a row that fails (every row's true result, no successful call sent twice, counted at the
 * simulator), a second run that plans nothing, removals behind a second confirmation, and a plan the
 * site changed since the dry run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  guessColumns,
  type PlanAction,
  type PublishKind,
  type PublishPlan,
  type PublishResult,
  type PublishTable,
} from '../../../common/publish.js';
import type { RunningServer } from '../../../server/main.js';
import { createSimulator, DEMO, type Simulator } from '../../../server/sim/index.js';
import type { SiteContent } from '../../../server/sim/state/site.js';
import { apiClient, connectDemo } from './helpers.js';
import { startTestServer } from './test-server.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let admin: { token: string; cid: string };
let site: SiteContent;

function table(kind: PublishKind, headers: string[], rows: Array<Array<string | number | boolean | null>>): PublishTable {
  return { kind, headers, columns: guessColumns(headers, kind), rows: rows.map((cells, index) => ({ index, cells })) };
}

const dryRun = (t: PublishTable, who = admin) =>
  api.call('POST', `/api/connections/${who.cid}/publish/dry-run`, { token: who.token, body: t });
const apply = (t: PublishTable, planId: string, extra: object = {}, who = admin) =>
  api.call('POST', `/api/connections/${who.cid}/publish/apply`, { token: who.token, body: { table: t, planId, confirm: true, ...extra } });

async function plan(t: PublishTable): Promise<PublishPlan> {
  const res = await dryRun(t);
  expect(res.status, res.text).toBe(200);
  return res.json as PublishPlan;
}
const actions = (p: PublishPlan): PlanAction[] => p.rows.map((r) => r.action);
const problems = (p: PublishPlan) => p.rows.map((r) => r.problem?.code ?? null);
/** Writes that reached the simulator's handlers and succeeded, as "METHOD key". */
const succeeded = () => site.writes.filter((w) => w.status < 300).map((w) => `${w.method} ${w.key}`);
const userNamed = (name: string) => [...site.users.values()].find((u) => u.name.toLowerCase() === name.toLowerCase());
const groupNamed = (name: string) => [...site.groups.values()].find((g) => g.name === name)!;

beforeAll(async () => {
  sim = await createSimulator();
  // Retries on (the test server's default is one attempt): a 429 must be waited out and sent again.
  server = await startTestServer({ tableau: { retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } } });
  api = apiClient(server.url);
  admin = await connectDemo(api, sim);
  site = sim.state.siteNamed(DEMO.siteContentUrl)!;
});
afterAll(async () => {
  await server?.close();
  await sim?.close();
});

describe('publish a table to Tableau', () => {
  it('tells a user who is not a site administrator so, in plain words, before any change', async () => {
    const carl = await connectDemo(api, { ...sim, demo: { ...sim.demo, patName: DEMO.otherPatName, patSecret: DEMO.otherPatSecret } });
    const t = table('users', ['User', 'Site role'], [['nina@example.com', 'Creator']]);
    const res = await dryRun(t, carl);
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'not-site-admin' });
    expect(res.json.error.message).toMatch(/Only a site administrator .* "carl\.creator" is Creator .* Nothing was changed/);
    const applied = await apply(t, 'any', {}, carl);
    expect(applied.status).toBe(403);
    expect(site.writes).toEqual([]);
  });

  it('plans every kind of table, each kind of row, and sends nothing', async () => {
    const users = await plan(
      table(
        'users',
        ['User', 'Site role', 'Email', 'Group'],
        [
          ['nina@example.com', 'Explorer', 'nina@example.com', 'Sales'],
          ['vera.viewer', 'explorer', '', ''],
          ['erin.explorer', 'Explorer', '', 'sales'],
          ['otto', 'Admin', '', ''],
          ['NINA@example.com', 'Viewer', '', ''],
          ['carl.creator', 'Creator', '', 'Nope'],
          ['', 'Viewer', '', ''],
        ],
      ),
    );
    expect(actions(users)).toEqual(['create', 'update', 'unchanged', 'error', 'error', 'error', 'error']);
    expect(problems(users)).toEqual([null, null, null, 'invalid-role', 'duplicate-in-table', 'unknown-group', 'missing-value']);
    expect(users.rows[0].calls.map((c) => `${c.method} ${c.endpoint}`)).toEqual([
      'POST users',
      'PUT users/{new user}',
      `POST groups/${groupNamed('Sales').id}/users`,
    ]);
    expect(users.rows[1].message).toBe('Update "vera.viewer": site role Viewer → Explorer.');
    expect(users.counts).toEqual({ create: 1, update: 1, unchanged: 1, remove: 0, error: 4 });
    expect(users.needsRemovalConfirmation).toBe(false);

    const removals = await plan(
      table('remove-users-from-site', ['Username'], [['vera.viewer'], ['ghost'], ['ada.admin'], ['carl.creator'], ['Vera.Viewer']]),
    );
    expect(actions(removals)).toEqual(['remove', 'unchanged', 'error', 'error', 'error']);
    expect(problems(removals)).toEqual([null, null, 'not-allowed', 'not-allowed', 'duplicate-in-table']);
    expect(removals.rows[3].message).toMatch(/owns 3 projects/);
    expect(removals.needsRemovalConfirmation).toBe(true);

    const groups = await plan(
      table(
        'groups',
        ['Group', 'Minimum site role'],
        [
          ['Auditors', 'Viewer'],
          ['Sales', 'Explorer'],
          ['Finance', ''],
          ['Analysts', 'Viewer'],
          ['X', 'Boss'],
        ],
      ),
    );
    expect(actions(groups)).toEqual(['create', 'update', 'unchanged', 'error', 'error']);
    expect(problems(groups)).toEqual([null, null, null, 'not-allowed', 'invalid-role']);

    const memberships = await plan(
      table(
        'group-memberships',
        ['Group', 'User'],
        [
          ['Sales', 'vera.viewer'],
          ['sales', 'carl.creator'],
          ['Nope', 'vera.viewer'],
          ['Sales', 'ghost'],
          ['All Users', 'vera.viewer'],
        ],
      ),
    );
    expect(actions(memberships)).toEqual(['create', 'unchanged', 'error', 'error', 'error']);
    expect(problems(memberships)).toEqual([null, null, 'unknown-group', 'unknown-user', 'not-allowed']);

    const leaving = await plan(
      table(
        'remove-users-from-group',
        ['Group', 'User'],
        [
          ['Sales', 'carl.creator'],
          ['Finance', 'vera.viewer'],
          ['Nope', 'x'],
        ],
      ),
    );
    expect(actions(leaving)).toEqual(['remove', 'unchanged', 'error']);

    const projects = await plan(
      table(
        'projects',
        ['Name', 'Parent', 'Description'],
        [
          ['Q1', 'Samples/Finance/Budgets', ''],
          ['Budgets', 'Samples/Finance', 'Yearly'],
          ['Sales', 'Samples', 'New words'],
          ['EMEA', 'samples/sales', ''],
          ['Lost', 'Nowhere', ''],
          ['budgets', 'Samples/Finance', ''],
        ],
      ),
    );
    expect(actions(projects)).toEqual(['create', 'create', 'update', 'unchanged', 'error', 'error']);
    expect(problems(projects)).toEqual([null, null, null, null, 'parent-not-found', 'duplicate-in-table']);
    // The child waits for the row that creates its parent, whatever their order in the table.
    expect(projects.rows[0].dependsOn).toBe(1);

    expect(site.writes).toEqual([]);
  });

  it('applies through a 429, an expired token and a failing row: every row its true result, no successful call sent twice', async () => {
    const sales = groupNamed('Sales');
    const t = table(
      'users',
      ['User', 'Site role', 'Email', 'Group'],
      [
        ['nina@example.com', 'Explorer', 'nina@example.com', 'Sales'],
        ['otto@example.com', 'Viewer', '', ''],
        ['vera.viewer', 'Creator', '', ''],
        ['erin.explorer', 'Explorer', '', ''],
        ['bad', 'Boss', '', ''],
      ],
    );
    const first = await plan(t);
    expect(actions(first)).toEqual(['create', 'create', 'update', 'unchanged', 'error']);
    sim.faults.add({ kind: 'rateLimit', path: `${site.site.id}/users`, method: 'POST', count: 1 });
    sim.faults.add({ kind: 'expireToken', path: `${site.site.id}/users`, method: 'POST', after: 1, count: 1 });
    // Both sends of nina's membership get a gateway error: the row fails, after the site was read to check.
    sim.faults.add({ kind: 'badGateway', path: `/groups/${sales.id}/users`, method: 'POST', count: 2 });

    const res = await apply(t, first.planId);
    expect(res.status, res.text).toBe(200);
    const result = res.json as PublishResult;
    expect(result.rows.map((r) => r.outcome)).toEqual(['failed', 'done', 'done', 'unchanged', 'skipped']);
    expect(result.rows[0]).toMatchObject({ callsDone: 2, error: { code: expect.stringMatching(/^server-/) } });
    expect(result.rows[0].message).toMatch(/^Failed: /);
    expect(result.rows[4].message).toMatch(/^Skipped: Site role "Boss"/);
    expect(result.summary).toEqual({ done: 2, failed: 1, skipped: 1, unchanged: 1 });
    expect(sim.faults.list()).toEqual([]);

    // The site holds what the results say.
    expect(userNamed('nina@example.com')).toMatchObject({ siteRole: 'Explorer', email: 'nina@example.com' });
    expect(userNamed('otto@example.com')?.siteRole).toBe('Viewer');
    expect(userNamed('vera.viewer')?.siteRole).toBe('Creator');
    expect(sales.userIds).not.toContain(userNamed('nina@example.com')!.id);
    // Counted at the simulator: each successful write once.
    expect(succeeded()).toEqual([...new Set(succeeded())]);
    expect(succeeded().filter((w) => w.startsWith('POST user:'))).toEqual(['POST user:nina@example.com', 'POST user:otto@example.com']);

    // Resumed: only what is missing is planned; what succeeded is unchanged and is not sent again.
    const second = await plan(t);
    expect(actions(second)).toEqual(['update', 'unchanged', 'unchanged', 'unchanged', 'error']);
    expect(second.rows[0].calls.map((c) => c.method)).toEqual(['POST']);
    const resumed = (await apply(t, second.planId)).json as PublishResult;
    expect(resumed.rows.map((r) => r.outcome)).toEqual(['done', 'unchanged', 'unchanged', 'unchanged', 'skipped']);
    expect(sales.userIds).toContain(userNamed('nina@example.com')!.id);
    expect(succeeded()).toEqual([...new Set(succeeded())]);

    // Run again after success: nothing to do.
    const third = await plan(t);
    expect(third.callCount).toBe(0);
    expect(third.counts).toEqual({ create: 0, update: 0, unchanged: 4, remove: 0, error: 1 });
  });

  it('reads the site when an answer is lost after Tableau acted, and does not send that call again', async () => {
    const t = table(
      'projects',
      ['Project', 'Parent', 'Description'],
      [
        ['Plans 2027', 'Samples/Finance/Plans', ''],
        ['Plans', 'Samples/Finance', 'Yearly plans'],
      ],
    );
    const p = await plan(t);
    expect(actions(p)).toEqual(['create', 'create']);
    // The parent is created, then the connection drops instead of the 201.
    sim.faults.add({ kind: 'dropAnswer', path: `${site.site.id}/projects`, method: 'POST', count: 1 });
    const result = (await apply(t, p.planId)).json as PublishResult;
    expect(result.rows.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(sim.faults.list()).toEqual([]);
    const parent = [...site.projects.values()].find((x) => x.name === 'Plans')!;
    expect([...site.projects.values()].filter((x) => x.name === 'Plans')).toHaveLength(1);
    expect([...site.projects.values()].find((x) => x.name === 'Plans 2027')?.parentProjectId).toBe(parent.id);
    expect(site.writes.filter((w) => w.key.endsWith(':plans'))).toHaveLength(1);
    expect(actions(await plan(t))).toEqual(['unchanged', 'unchanged']);
  });

  it('stops when Tableau still limits the calls after the retries, and the next run does the rest', async () => {
    const t = table('groups', ['Group'], [['Limited one'], ['Limited two']]);
    const p = await plan(t);
    // Four 429s: every attempt the client makes for the first call (maxAttempts 4).
    sim.faults.add({ kind: 'rateLimit', path: `${site.site.id}/groups`, method: 'POST', count: 4 });
    const result = (await apply(t, p.planId)).json as PublishResult;
    expect(result.rows.map((r) => r.outcome)).toEqual(['failed', 'skipped']);
    expect(result.rows[0].error?.code).toBe('rate-limited');
    expect(result.rows[1].message).toMatch(/^Not attempted: the run stopped at row 1/);
    const again = await plan(t);
    expect(((await apply(t, again.planId)).json as PublishResult).summary).toMatchObject({ done: 2 });
  });

  it('removes only with a second confirmation, and reports the row Tableau refuses with its code', async () => {
    const otto = userNamed('otto@example.com')!;
    const project = [...site.projects.values()].find((p) => p.name === 'Archive')!;
    // Otto owns a workbook: Tableau keeps him (as Unlicensed) and answers 409.
    site.addWorkbook({ name: "Otto's book", projectId: project.id, ownerId: otto.id });
    const t = table('remove-users-from-site', ['User'], [['nina@example.com'], ['otto@example.com'], ['ghost@example.com']]);
    const p = await plan(t);
    expect(actions(p)).toEqual(['remove', 'remove', 'unchanged']);
    const writesBefore = site.writes.length;

    const unconfirmed = await apply(t, p.planId);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.json.error).toMatchObject({ code: 'confirmation-needed' });
    expect(site.writes.length).toBe(writesBefore);

    const result = (await apply(t, p.planId, { confirmRemovals: true })).json as PublishResult;
    expect(result.rows.map((r) => r.outcome)).toEqual(['done', 'failed', 'unchanged']);
    expect(result.rows[1].error).toMatchObject({ code: 'conflict', tableauCode: '409000' });
    expect(result.rows[1].message).toMatch(/owns content/);
    expect(userNamed('nina@example.com')).toBeUndefined();
    expect(userNamed('otto@example.com')?.siteRole).toBe('Unlicensed');
  });

  it('refuses a plan the site changed since the dry run, with the new plan, and sends nothing', async () => {
    const t = table('groups', ['Group'], [['Reviewers']]);
    const before = await plan(t);
    expect(actions(before)).toEqual(['create']);
    site.addGroup({ name: 'Reviewers' });
    const writesBefore = site.writes.length;
    const res = await apply(t, before.planId);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('plan-changed');
    expect(actions(res.json.plan)).toEqual(['unchanged']);
    expect(site.writes.length).toBe(writesBefore);
  });

  it('refuses a second apply with the same connection while the first runs', async () => {
    const t = table('groups', ['Group'], [['Slow one']]);
    const p = await plan(t);
    // The first apply's write takes a while at Tableau; the second click arrives meanwhile.
    sim.faults.add({ kind: 'latency', ms: 1_000, path: `${site.site.id}/groups`, method: 'POST', count: 1 });
    const first = apply(t, p.planId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await apply(t, p.planId);
    const answers = [(await first).status, second.status].sort();
    expect(answers).toEqual([200, 409]);
    expect([(await first).json, second.json].find((b) => b.error)?.error.code).toBe('publish-busy');
    expect(succeeded().filter((w) => w === 'POST group:slow one')).toHaveLength(1);
  });

  it('answers bad input with a clear 400', async () => {
    const wrongKind = await dryRun({ ...table('groups', ['Group'], [['A']]), kind: 'workbooks' as PublishKind });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.error.code).toBe('invalid-input');
    const noRole = await dryRun({ kind: 'users', headers: ['User'], columns: { userName: 'User' }, rows: [{ index: 0, cells: ['a'] }] });
    expect(noRole.status).toBe(400);
    expect(noRole.json.error).toMatchObject({ code: 'table-invalid' });
    expect(noRole.json.error.message).toMatch(/"Site role"/);
    const unconfirmed = await api.call('POST', `/api/connections/${admin.cid}/publish/apply`, {
      token: admin.token,
      body: { table: table('groups', ['Group'], [['A']]), planId: 'x' },
    });
    expect(unconfirmed.status).toBe(400);
  });
});
