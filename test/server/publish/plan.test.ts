/** The planner (server/publish/plan.ts) on a small site: the rules the simulator test does not reach. */
import { describe, expect, it } from 'vitest';

import type { RowProblemCode } from '../../../common/publish.js';
import { planTable } from '../../../server/publish/plan.js';
import { ordered } from '../../../server/publish/steps.js';
import { smallSite, table } from './fixtures.js';

describe('planTable', () => {
  it('creates parents before children whatever the order of the rows', () => {
    const t = table(
      'projects',
      ['Project', 'Parent'],
      [
        ['C', 'Top/A/B'],
        ['B', 'Top/A'],
        ['A', 'Top'],
        ['D', 'p-child'],
      ],
    );
    const { plan, steps } = planTable(t, smallSite());
    expect(plan.rows.map((r) => r.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(ordered(steps).map((s) => s.row)).toEqual([2, 3, 1, 0]);
    expect(plan.rows[0]).toMatchObject({ dependsOn: 1 });
    // A parent named by its LUID.
    expect(steps.find((s) => s.row === 3)!.op).toMatchObject({ kind: 'createProject', parent: { id: 'p-child' } });
  });

  it('refuses to demote the signed-in administrator or to change a server administrator', () => {
    const t = table(
      'users',
      ['User', 'Role'],
      [
        ['admin', 'Viewer'],
        ['root', 'Creator'],
        ['admin', 'SiteAdministratorExplorer'],
      ],
    );
    const { plan } = planTable(t, smallSite());
    const expected: RowProblemCode[] = ['not-allowed', 'not-allowed', 'duplicate-in-table'];
    expect(plan.rows.map((r) => r.problem?.code)).toEqual(expected);
  });

  it('updates only what the table says and differs; an empty cell leaves a value alone', () => {
    const t = table('users', ['User', 'Role', 'Auth', 'Full name', 'Email'], [['SAM', 'Viewer', 'SAML', '', 'sam@example.com']]);
    const { plan, steps } = planTable(t, smallSite());
    expect(plan.rows[0]).toMatchObject({ action: 'update', message: 'Update "sam": authentication ServerDefault → SAML.' });
    expect(steps[0].op).toEqual({ kind: 'updateUser', user: { id: 'u-sam' }, name: 'sam', changes: { authSetting: 'SAML' } });
    const bad = planTable(table('users', ['User', 'Role', 'Auth'], [['sam', 'Viewer', 'LDAP']]), smallSite()).plan;
    expect(bad.rows[0].problem).toMatchObject({ code: 'invalid-auth-setting', field: 'authSetting' });
  });

  it('gives the same plan id for the same plan, another when the site moved', () => {
    const t = table(
      'groups',
      ['Group', 'Minimum site role'],
      [
        ['Ops', 'Explorer'],
        ['New', ''],
      ],
    );
    const a = planTable(t, smallSite(), new Date(0)).plan;
    const b = planTable(t, smallSite(), new Date(1000)).plan;
    expect(a.planId).toBe(b.planId);
    const moved = smallSite();
    moved.groups.push({ id: 'g-new', name: 'new', local: true });
    expect(planTable(t, moved).plan.planId).not.toBe(a.planId);
  });

  it('refuses a table whose columns do not fit its kind (400 table-invalid)', () => {
    const t = table('projects', ['Project'], [['A']]);
    expect(() => planTable({ ...t, columns: { projectName: 'Gone' } }, smallSite())).toThrow(/no column "Gone"/);
    expect(() => planTable({ ...t, columns: { projectName: 'Project', siteRole: 'Project' } }, smallSite())).toThrow(
      /no "Site role" field/,
    );
    expect(() => planTable({ ...t, rows: [{ index: 0, cells: ['A', 'extra'] }] }, smallSite())).toThrow(/more cells/);
  });
});
