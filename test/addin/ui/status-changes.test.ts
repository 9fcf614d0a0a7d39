import { describe, expect, it } from 'vitest';

import { activityText, entriesLabel, tableStatus } from '../../../addin/ui/tables/status.js';
import { datasourceDefinition } from '../refresh/definitions/fixtures.js';

describe('a table’s status says what its last refresh changed', () => {
  const at = '2026-03-01T10:00:00Z';

  it('the counts and the key, beside the refresh', () => {
    const def = datasourceDefinition({
      lastResult: {
        at,
        rows: 7,
        durationMs: 1200,
        status: 'ok',
        changes: { compared: true, keys: ['Order ID'], keyGuessed: true, added: 2, removed: 1, changed: 3, unchanged: 1, notes: [] },
      },
    });
    expect(tableStatus(def, 'UTC')).toMatchObject({
      badge: 'Refreshed',
      changes: '3 changed, 2 added, 1 removed since the last refresh (by "Order ID", a guessed key).',
    });
  });

  it('why there are no counts', () => {
    const note = 'Not compared with the last refresh: the key column "Order ID" is not in the new result.';
    const def = datasourceDefinition({
      lastResult: {
        at,
        rows: 7,
        durationMs: 1200,
        status: 'ok',
        changes: { compared: false, reason: 'key-missing', keys: ['Order ID'], keyGuessed: false, notes: [note] },
      },
    });
    expect(tableStatus(def, 'UTC').changes).toBe(note);
  });

  it('nothing when the refresh did not compare (the first one, append mode)', () => {
    const def = datasourceDefinition({ lastResult: { at, rows: 7, durationMs: 1200, status: 'ok' } });
    expect(tableStatus(def, 'UTC').changes).toBeUndefined();
  });

  it('while it compares', () => {
    expect(activityText({ definitionId: 'd', table: 'T', kind: 'live', phase: 'comparing', rowsReceived: 10, rowsWritten: 0 })).toBe(
      'Comparing with the last refresh…',
    );
  });
});

describe('what the Tables tab holds', () => {
  it('counts pictures inserted alone apart from tables', () => {
    const table = { kind: undefined };
    const picture = { kind: 'picture' as const };
    expect(entriesLabel([table])).toBe('1 table');
    expect(entriesLabel([table, table, table])).toBe('3 tables');
    expect(entriesLabel([picture])).toBe('1 picture');
    expect(entriesLabel([table, table, picture])).toBe('2 tables and 1 picture');
    expect(entriesLabel([picture, table, picture])).toBe('1 table and 2 pictures');
  });
});
