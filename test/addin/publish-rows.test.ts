import { describe, expect, it } from 'vitest';

import {
  columnsFor,
  describeOutcomes,
  firstDataRow,
  mappableHeaders,
  mappedHeaders,
  removalConfirmation,
  RESULT_HEADER,
  resultTexts,
  sameRows,
  toPublishTable,
} from '../../addin/ui/publish/publishRows.js';
import { PUBLISH_LIMITS, type PublishResult, type RowResult } from '../../common/publish.js';

const row = (index: number, outcome: RowResult['outcome'], message: string, error?: RowResult['error']): RowResult => ({
  index,
  outcome,
  message,
  action: 'create',
  callsDone: outcome === 'done' ? 1 : 0,
  ...(error ? { error } : {}),
});

describe('publish rows (pure)', () => {
  it('numbers rows as the sheet does: the first data row is the one under the header', () => {
    expect(firstDataRow('A1:B5')).toBe(2);
    expect(firstDataRow('C10:F12')).toBe(11);
  });

  it('never offers its own result column for mapping, whatever its case', () => {
    expect(mappableHeaders(['User', 'Role', 'tableau RESULT', 'Notes'])).toEqual(['User', 'Role', 'Notes']);
    expect(RESULT_HEADER).toBe('Tableau result');
  });

  it("keeps the kind's fields whose header the table still has, and reads those headers in table order once each", () => {
    const headers = ['Role', 'Login', 'Group'];
    const columns = columnsFor('users', { userName: 'Login', siteRole: 'Role', minimumSiteRole: 'Group', fullName: 'Gone' }, headers);
    expect(columns).toEqual({ userName: 'Login', siteRole: 'Role' });
    expect(mappedHeaders({ userName: 'Login', fullName: 'Login', siteRole: 'Role' }, headers)).toEqual(['Role', 'Login']);
  });

  it('turns the read rows into the contract, every row with its index, values as Excel holds them', () => {
    const table = toPublishTable(
      'users',
      { userName: 'Login', siteRole: 'Role' },
      ['Login', 'Role'],
      [
        ['ana@example.com', 'Viewer'],
        [null, 42],
        [true, ''],
      ],
    );
    expect(table).toEqual({
      kind: 'users',
      headers: ['Login', 'Role'],
      columns: { userName: 'Login', siteRole: 'Role' },
      rows: [
        { index: 0, cells: ['ana@example.com', 'Viewer'] },
        { index: 1, cells: [null, 42] },
        { index: 2, cells: [true, ''] },
      ],
    });
  });

  it('tells whether the table still holds the rows sent, in the same order (results go by position)', () => {
    const sent = toPublishTable(
      'users',
      { userName: 'U' },
      ['U', 'R'],
      [
        ['ana', 'Viewer'],
        ['bo', null],
      ],
    );
    expect(
      sameRows(sent, [
        ['ana', 'Viewer'],
        ['bo', null],
      ]),
    ).toBe(true);
    expect(
      sameRows(sent, [
        ['bo', null],
        ['ana', 'Viewer'],
      ]),
    ).toBe(false);
    expect(
      sameRows(sent, [
        ['ana', 'Viewer'],
        ['bo', 'Creator'],
      ]),
    ).toBe(false);
    expect(sameRows(sent, [['ana', 'Viewer']])).toBe(false);
  });

  it('refuses a table past the server’s limits with plain words and what to do, before anything is sent', () => {
    const many = Array.from({ length: PUBLISH_LIMITS.rows + 1 }, () => ['x']);
    expect(() => toPublishTable('groups', { groupName: 'G' }, ['G'], many)).toThrow(/one publish takes at most 5,000/);
    const long = 'x'.repeat(PUBLISH_LIMITS.cellChars + 1);
    expect(() =>
      toPublishTable(
        'projects',
        { description: 'About' },
        ['Name', 'About'],
        [
          ['a', 'ok'],
          ['b', long],
        ],
      ),
    ).toThrow(/Row 2, column "About" holds 1,001 characters/);
  });

  it('writes done / failed: <Tableau’s message> / skipped: <why> / unchanged, one text per table row', () => {
    const result: PublishResult = {
      planId: 'p',
      kind: 'users',
      rows: [
        row(0, 'done', 'Added as Viewer'),
        row(1, 'failed', 'Tableau refused', { code: 'conflict', message: 'A user with that name already exists (409017)' }),
        row(2, 'skipped', 'Skipped: its parent project was not created'),
        row(3, 'unchanged', 'Already on the site'),
        row(5, 'failed', 'The network dropped the call'),
      ],
      summary: { done: 1, failed: 2, skipped: 1, unchanged: 1 },
      callsMade: 2,
      finishedAt: '2026-12-07T12:00:00Z',
    };
    expect(resultTexts(result, 6)).toEqual([
      'done',
      'failed: A user with that name already exists (409017)',
      'skipped: its parent project was not created',
      'unchanged',
      'skipped: not part of this run',
      'failed: The network dropped the call',
    ]);
    expect(describeOutcomes(result.summary)).toBe('1 done, 2 failed, 1 skipped, 1 unchanged');
    expect(describeOutcomes({ done: 0, failed: 0, skipped: 0, unchanged: 0 })).toBe('No rows');
  });

  it('names how many are removed, and from where, in the second confirmation', () => {
    expect(removalConfirmation('remove-users-from-site', 1)).toBe('Yes, remove 1 user from the site');
    expect(removalConfirmation('remove-users-from-group', 3)).toBe('Yes, remove 3 users from the groups named in the table');
  });
});
