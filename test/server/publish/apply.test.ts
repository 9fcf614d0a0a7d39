/**
 * The apply (server/publish/apply.ts) with a writer that misbehaves on purpose: an answer lost after
 * Tableau acted, an answer lost before, a refused parent, a refusal that stops the run.
 */
import { describe, expect, it } from 'vitest';

import type { ResultCounts, RowOutcome } from '../../../common/publish.js';
import { applyPlan, type ApplyPorts, type FailureView, type Writer } from '../../../server/publish/apply.js';
import { planTable } from '../../../server/publish/plan.js';
import type { SiteSnapshot } from '../../../server/publish/site.js';
import { smallSite, table } from './fixtures.js';

class Lost extends Error {}
class Refused extends Error {
  constructor(readonly fatal = false) {
    super('Tableau refused it.');
  }
}
const readFailure = (e: unknown): FailureView => ({
  error: { code: e instanceof Lost ? 'server-unavailable' : 'conflict', message: (e as Error).message },
  uncertain: e instanceof Lost,
  fatal: e instanceof Refused && e.fatal,
});

/** An in-memory site behind a writer; `script` decides per call what goes wrong. */
type Step = 'ok' | 'lost-after' | 'lost-before' | 'refuse' | 'refuse-all' | 'no-licence';
function fakeTableau(script: (call: string, n: number) => Step = () => 'ok') {
  const site = smallSite();
  const calls: string[] = [];
  let next = 0;
  const run = async <T>(call: string, act: () => T): Promise<T> => {
    calls.push(call);
    const what = script(call, calls.filter((c) => c === call).length);
    if (what === 'refuse') throw new Refused();
    if (what === 'refuse-all') throw new Refused(true);
    if (what === 'lost-before') throw new Lost('no answer');
    const out = act();
    if (what === 'lost-after') throw new Lost('no answer');
    return out;
  };
  const writer: Writer = {
    addUser: (u) =>
      run(`addUser ${u.name}`, () => {
        // A site without a free licence for the role adds the user as Unlicensed.
        const siteRole = script(`addUser ${u.name}`, 1) === 'no-licence' ? 'Unlicensed' : u.siteRole;
        site.users.push({ id: `u-${++next}`, name: u.name, siteRole });
        return { id: `u-${next}`, siteRole };
      }),
    updateUser: (id) => run(`updateUser ${id}`, () => ({})),
    removeUser: (id) => run(`removeUser ${id}`, () => void (site.users = site.users.filter((u) => u.id !== id))),
    createGroup: (g) =>
      run(`createGroup ${g.name}`, () => (site.groups.push({ id: `g-${++next}`, name: g.name, local: true }), { id: `g-${next}` })),
    updateGroup: (id) => run(`updateGroup ${id}`, () => undefined),
    addUserToGroup: (gid, uid) => run(`addUserToGroup ${gid} ${uid}`, () => void site.members.get(gid)?.add(uid)),
    removeUserFromGroup: (gid, uid) => run(`removeUserFromGroup ${gid} ${uid}`, () => void site.members.get(gid)?.delete(uid)),
    createProject: (p) =>
      run(`createProject ${p.name}`, () => {
        site.projects.push({ id: `p-${++next}`, name: p.name, parentProjectId: p.parentProjectId, description: p.description ?? '' });
        return { id: `p-${next}` };
      }),
    updateProject: (id) => run(`updateProject ${id}`, () => undefined),
  };
  let reads = 0;
  const ports: ApplyPorts = {
    writer,
    readSite: async (): Promise<SiteSnapshot> => {
      reads++;
      return site;
    },
    now: () => new Date(0),
  };
  return { site, calls, ports, reads: () => reads };
}

describe('applyPlan', () => {
  it('counts a call as done when its answer was lost but the site shows it: never sent twice', async () => {
    const t = table('users', ['User', 'Role', 'Group'], [['kim', 'Viewer', 'Ops']]);
    const fake = fakeTableau((call) => (call === 'addUser kim' ? 'lost-after' : 'ok'));
    const result = await applyPlan(planTable(t, smallSite()), fake.ports, readFailure);
    expect(result.rows[0]).toMatchObject({ outcome: 'done', callsDone: 2 });
    expect(fake.calls).toEqual(['addUser kim', 'addUserToGroup g-ops u-1']);
    expect(fake.reads()).toBe(1);
  });

  it('fails a row whose user Tableau added without the role asked for (no free licence), sends nothing more for it', async () => {
    const t = table(
      'users',
      ['User', 'Role', 'Group'],
      [
        ['lee', 'Creator', 'Ops'],
        ['kim', 'Viewer', ''],
      ],
    );
    const fake = fakeTableau((call) => (call === 'addUser lee' ? 'no-licence' : 'ok'));
    const result = await applyPlan(planTable(t, smallSite()), fake.ports, readFailure);
    expect(result.rows.map((r) => [r.outcome, r.callsDone])).toEqual([
      ['failed', 1],
      ['done', 1],
    ]);
    expect(result.rows[0].message).toMatch(/as Unlicensed, not Creator: the site has no free licence for Creator/);
    expect(fake.calls).toEqual(['addUser lee', 'addUser kim']);
  });

  it('sends a call again only when the site shows it did not happen', async () => {
    const t = table('groups', ['Group'], [['Blue']]);
    const fake = fakeTableau((call, n) => (n === 1 ? 'lost-before' : 'ok'));
    const result = await applyPlan(planTable(t, smallSite()), fake.ports, readFailure);
    expect(result.rows[0].outcome).toBe('done');
    expect(fake.calls).toEqual(['createGroup Blue', 'createGroup Blue']);
  });

  it('skips a child whose parent project was refused, and carries on with the other rows', async () => {
    const t = table(
      'projects',
      ['Project', 'Parent'],
      [
        ['Kid', 'Top/New'],
        ['New', 'Top'],
        ['Other', ''],
      ],
    );
    const fake = fakeTableau((call) => (call === 'createProject New' ? 'refuse' : 'ok'));
    const result = await applyPlan(planTable(t, smallSite()), fake.ports, readFailure);
    expect(result.rows.map((r) => [r.outcome, r.message])).toEqual([
      ['skipped', 'Skipped: row 2, which this row needs, was not done.'],
      ['failed', 'Failed: Tableau refused it.'],
      ['done', 'Done: Create project "Other" at the top level.'],
    ]);
    const summary: ResultCounts = { done: 1, failed: 1, skipped: 1, unchanged: 0 };
    expect(result.summary).toEqual(summary);
  });

  it('stops at a refusal every later call would get, and says the rest was not attempted', async () => {
    const t = table('groups', ['Group'], [['A'], ['B'], ['Ops']]);
    const fake = fakeTableau(() => 'refuse-all');
    const result = await applyPlan(planTable(t, smallSite()), fake.ports, readFailure);
    const expected: RowOutcome[] = ['failed', 'skipped', 'unchanged'];
    expect(result.rows.map((r) => r.outcome)).toEqual(expected);
    expect(result.rows[1].message).toMatch(/^Not attempted: the run stopped at row 1/);
    expect(fake.calls).toEqual(['createGroup A']);
  });
});
