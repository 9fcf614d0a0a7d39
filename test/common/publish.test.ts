import { describe, expect, it } from 'vitest';

import {
  AUTH_SETTINGS,
  describeCounts,
  guessColumns,
  isRemovalKind,
  missingColumns,
  parseAuthSetting,
  parseSiteRole,
  PLAN_ACTIONS,
  PUBLISH_FIELDS,
  PUBLISH_KIND_LABELS,
  PUBLISH_KINDS,
  PUBLISH_LIMITS,
  publishApplyRequestSchema,
  type PublishRow,
  publishTableSchema,
} from '../../common/publish.js';

describe('guessColumns', () => {
  it('maps a users table by its headers, whatever their case and spacing', () => {
    const headers = ['User Name', 'Name', 'Site role', 'E-mail', 'Auth'];
    expect(guessColumns(headers, 'users')).toEqual({
      userName: 'User Name',
      siteRole: 'Site role',
      fullName: 'Name',
      email: 'E-mail',
      authSetting: 'Auth',
    });
  });

  it('takes the email column as the user name when there is no user-name column (Tableau Cloud names users by email)', () => {
    expect(guessColumns(['Email', 'Role'], 'users')).toEqual({ userName: 'Email', siteRole: 'Role' });
  });

  it('uses each header once and leaves a field without a column unmapped', () => {
    const columns = guessColumns(['Group', 'Member'], 'group-memberships');
    expect(columns).toEqual({ groupName: 'Group', userName: 'Member' });
    expect(guessColumns(['Name', 'Parent', 'Description'], 'projects')).toEqual({
      projectName: 'Name',
      parentProject: 'Parent',
      description: 'Description',
    });
    expect(guessColumns(['Name', 'Role'], 'groups')).toEqual({ groupName: 'Name', minimumSiteRole: 'Role' });
    expect(guessColumns(['Whatever'], 'remove-users-from-site')).toEqual({});
  });

  it('names the required fields still without a column', () => {
    expect(missingColumns({ userName: 'User' }, ['User'], 'users')).toEqual(['siteRole']);
    expect(missingColumns({ userName: 'Gone', siteRole: 'Role' }, ['User', 'Role'], 'users')).toEqual(['userName']);
  });
});

describe('site roles and auth settings', () => {
  it('reads a role written with spaces or another case, and nothing else', () => {
    expect(parseSiteRole('site administrator creator')).toBe('SiteAdministratorCreator');
    expect(parseSiteRole('Explorer (can publish)')).toBe('ExplorerCanPublish');
    expect(parseSiteRole('Admin')).toBeUndefined();
    expect(parseAuthSetting('server default')).toBe('ServerDefault');
    expect(parseAuthSetting('LDAP')).toBeUndefined();
  });
});

describe('schemas', () => {
  const table = {
    kind: 'users',
    headers: ['User', 'Role'],
    columns: { userName: 'User', siteRole: 'Role' },
    rows: [{ index: 0, cells: ['a', 'Viewer'] }],
  };

  it('accepts a table and refuses an unknown kind, field or key', () => {
    expect(publishTableSchema.safeParse(table).success).toBe(true);
    expect(publishTableSchema.safeParse({ ...table, kind: 'workbooks' }).success).toBe(false);
    expect(publishTableSchema.safeParse({ ...table, columns: { owner: 'User' } }).success).toBe(false);
    expect(publishTableSchema.safeParse({ ...table, extra: 1 }).success).toBe(false);
  });

  it('needs an explicit confirmation to apply', () => {
    expect(publishApplyRequestSchema.safeParse({ table, planId: 'p1', confirm: true }).success).toBe(true);
    expect(publishApplyRequestSchema.safeParse({ table, planId: 'p1', confirm: false }).success).toBe(false);
    expect(publishApplyRequestSchema.safeParse({ table, planId: 'p1' }).success).toBe(false);
  });

  it('describes counts in words', () => {
    expect(describeCounts({ create: 2, update: 0, unchanged: 1, remove: 0, error: 1 })).toBe('2 to create, 1 unchanged, 1 with an error');
  });
});

describe('kinds and limits', () => {
  it('labels every kind, names its fields, and marks the removing ones', () => {
    for (const kind of PUBLISH_KINDS) {
      expect(PUBLISH_KIND_LABELS[kind]).toMatch(/^[A-Z]/);
      expect(PUBLISH_FIELDS[kind].required.length).toBeGreaterThan(0);
    }
    expect(PUBLISH_KINDS.filter(isRemovalKind)).toEqual(['remove-users-from-site', 'remove-users-from-group']);
    expect(AUTH_SETTINGS.map((a) => parseAuthSetting(a.toLowerCase()))).toEqual([...AUTH_SETTINGS]);
  });

  it('refuses a table over the limits', () => {
    const row = (index: number): PublishRow => ({ index, cells: ['a'] });
    const base = { kind: 'groups', headers: ['Group'], columns: { groupName: 'Group' } };
    const rows = Array.from({ length: PUBLISH_LIMITS.rows }, (_, i) => row(i));
    expect(publishTableSchema.safeParse({ ...base, rows }).success).toBe(true);
    expect(publishTableSchema.safeParse({ ...base, rows: [...rows, row(rows.length)] }).success).toBe(false);
    const longCell = 'x'.repeat(PUBLISH_LIMITS.cellChars + 1);
    expect(publishTableSchema.safeParse({ ...base, rows: [{ index: 0, cells: [longCell] }] }).success).toBe(false);
  });

  it('lists the plan actions in the order the pane counts them', () => {
    expect(PLAN_ACTIONS).toEqual(['create', 'update', 'unchanged', 'remove', 'error']);
  });
});
