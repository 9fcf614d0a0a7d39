import { describe, expect, it } from 'vitest';

import { compareResults, type DiffInput } from '../../../common/diff/results.js';
import { describeDiff } from '../../../common/diff/words.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const col = (name: string, type: ColumnSpec['type'] = 'text'): ColumnSpec => ({ name, type, format: type === 'text' ? '@' : 'General' });
const COLUMNS = [col('Order ID', 'integer'), col('Region'), col('Sales', 'decimal')];

const OLD: CellValue[][] = [
  [1, 'West', 10.5],
  [2, 'East', 20],
  [3, 'East', 30],
  [4, 'South', 40],
  [5, 'North', 50],
  [6, 'West', 60],
];

function input(partial: Partial<DiffInput> & { old?: CellValue[][]; now: CellValue[][] }): DiffInput {
  const old = partial.old ?? OLD;
  return {
    oldColumns: partial.oldColumns ?? COLUMNS,
    newColumns: partial.newColumns ?? COLUMNS,
    oldRows: () => [old.slice(0, 2), old.slice(2)],
    newRows: () => [partial.now],
    keys: partial.keys ?? ['Order ID'],
  };
}

describe('compareResults by key', () => {
  it('counts 3 changed, 2 added and 1 removed and says where they are in the new result', async () => {
    const now: CellValue[][] = [
      [1, 'West', 11], // changed Sales
      [2, 'East', 20],
      [3, 'West', 30], // changed Region
      [5, 'North', 55], // changed Sales (4 is removed)
      [6, 'West', 60],
      [7, 'East', 70], // added
      [8, 'East', 80], // added
    ];
    const { summary, positions } = await compareResults(input({ now }), { cells: true });
    expect(summary).toMatchObject({
      compared: true,
      changed: 3,
      added: 2,
      removed: 1,
      unchanged: 2,
      keys: ['Order ID'],
      keyGuessed: false,
    });
    expect(positions).toEqual({ addedRows: [5, 6], changedRows: [0, 2, 3], changedColumns: [[2], [1], [2]], complete: true });
    expect(describeDiff(summary)).toBe('3 changed, 2 added, 1 removed since the last refresh (by "Order ID").');
  });

  it('finds no change in the same rows in another order, nor between an empty text and an empty cell', async () => {
    const old: CellValue[][] = [
      [1, '', 1],
      [2, 'East', 2],
    ];
    const now: CellValue[][] = [
      [2, 'East', 2],
      [1, null, 1],
    ];
    const { summary } = await compareResults(input({ old, now }));
    expect(summary).toMatchObject({ compared: true, changed: 0, added: 0, removed: 0, unchanged: 2 });
    expect(describeDiff(summary)).toBe('No rows changed since the last refresh (by "Order ID").');
  });

  it('matches on several key columns', async () => {
    const columns = [col('Region'), col('Year', 'integer'), col('Sales', 'decimal')];
    const old: CellValue[][] = [
      ['West', 2024, 1],
      ['West', 2025, 2],
    ];
    const now: CellValue[][] = [
      ['West', 2024, 1],
      ['West', 2025, 3],
      ['East', 2025, 4],
    ];
    const { summary } = await compareResults(input({ oldColumns: columns, newColumns: columns, old, now, keys: ['Region', 'Year'] }));
    expect(summary).toMatchObject({ compared: true, changed: 1, added: 1, removed: 0 });
  });

  it('gives no counts when the new result repeats a key, and names it', async () => {
    const now: CellValue[][] = [...OLD, [3, 'East', 31]];
    const { summary, positions } = await compareResults(input({ now }));
    expect(summary).toMatchObject({ compared: false, reason: 'key-not-unique' });
    expect(summary.notes[0]).toContain('the new result has Order ID = 3 more than once');
    expect(positions.complete).toBe(false);
  });

  it('gives no counts when a repeated key is among the added rows', async () => {
    const now: CellValue[][] = [...OLD, [9, 'East', 1], [9, 'West', 2]];
    const { summary } = await compareResults(input({ now }));
    expect(summary).toMatchObject({ compared: false, reason: 'key-not-unique' });
  });

  it('gives no counts when the previous result repeats a key', async () => {
    const old: CellValue[][] = [...OLD, [2, 'North', 1]];
    const { summary } = await compareResults(input({ old, now: OLD }));
    expect(summary).toMatchObject({ compared: false, reason: 'key-not-unique' });
    expect(summary.notes[0]).toContain('the previous result has Order ID = 2 more than once');
  });

  it('gives no counts when a key column is gone, and never reads the old table', async () => {
    const newColumns = [col('Region'), col('Sales', 'decimal')];
    let read = false;
    const { summary } = await compareResults({
      ...input({ newColumns, now: [['West', 1]] }),
      oldRows: () => {
        read = true;
        return [];
      },
    });
    expect(summary).toMatchObject({ compared: false, reason: 'key-missing' });
    expect(describeDiff(summary)).toContain('the key column "Order ID" is not in the new result');
    expect(read).toBe(false);
  });

  it('gives no counts when a key column changed type (the text "1" never equals the number 1)', async () => {
    const newColumns = [col('Order ID', 'text'), col('Region'), col('Sales', 'decimal')];
    const now = OLD.map((r) => [String(r[0]), r[1], r[2]]);
    const { summary } = await compareResults(input({ newColumns, now }));
    expect(summary).toMatchObject({ compared: false, reason: 'key-type-changed' });
    expect(summary.notes[0]).toContain('"Order ID" changed type (integer → text)');
  });

  it('counts the rows whose values changed with a non-key column type, and says the type changed', async () => {
    const newColumns = [col('Order ID', 'integer'), col('Region'), col('Sales', 'text')];
    const now = OLD.map((r, i) => [r[0], r[1], i < 2 ? String(r[2]) : r[2]]);
    const { summary } = await compareResults(input({ newColumns, now }));
    expect(summary).toMatchObject({ compared: true, changed: 2, unchanged: 4 });
    expect(summary.notes).toEqual(['Column "Sales" changed type (decimal → text): rows whose values differ count as changed.']);
  });

  it('compares on the columns both results have when a non-key column is added or removed', async () => {
    const newColumns = [col('Order ID', 'integer'), col('Region'), col('Profit', 'decimal')];
    const now = OLD.map((r) => [r[0], r[1], 999]);
    const { summary } = await compareResults(input({ newColumns, now }));
    expect(summary).toMatchObject({ compared: true, changed: 0, unchanged: 6 });
    expect(summary.notes).toEqual([
      'New column "Profit": not counted as a change.',
      'Column "Sales" is gone: rows are compared without it.',
    ]);
  });

  it('still counts every row when there are more than maxPositions to list, and says the list is incomplete', async () => {
    const old: CellValue[][] = Array.from({ length: 5000 }, (_, i) => [i, 'R', i]);
    const now: CellValue[][] = Array.from({ length: 6000 }, (_, i) => [i, 'R', i % 2 ? i : -i]);
    const { summary, positions } = await compareResults(input({ old, now }), { expectedRows: 16, maxPositions: 100 });
    expect(summary).toMatchObject({ compared: true, added: 1000, changed: 2499, removed: 0, unchanged: 2501 });
    expect(positions.complete).toBe(false);
    expect(positions.addedRows).toEqual([]);
  });
});

describe('guessed key', () => {
  it('is a unique column named like an identifier before other unique columns', async () => {
    const columns = [col('Region'), col('Sales', 'decimal'), col('Order ID', 'integer')];
    const old: CellValue[][] = [
      ['West', 1.5, 10],
      ['West', 2.5, 11],
    ];
    const now: CellValue[][] = [
      ['West', 1.5, 10],
      ['East', 3.5, 12],
    ];
    const { summary } = await compareResults(input({ oldColumns: columns, newColumns: columns, old, now, keys: [] }));
    expect(summary).toMatchObject({ compared: true, keys: ['Order ID'], keyGuessed: true, added: 1, removed: 1 });
    expect(describeDiff(summary)).toContain('(by "Order ID", a guessed key)');
  });

  it('prefers integer to text columns, and says so when the guess repeats in the previous result', async () => {
    const columns = [col('Region'), col('Week', 'integer')];
    const old: CellValue[][] = [
      ['West', 1],
      ['East', 1],
    ];
    const now: CellValue[][] = [
      ['West', 1],
      ['East', 2],
    ];
    const { summary } = await compareResults(input({ oldColumns: columns, newColumns: columns, old, now, keys: [] }));
    expect(summary).toMatchObject({ compared: false, reason: 'key-not-unique', keys: ['Week'], keyGuessed: true });
    expect(summary.notes[0]).toContain('the guessed key column "Week" does not identify a row');
  });

  it('skips a column with an empty value, and gives a clear note when no column is unique', async () => {
    const columns = [col('Region'), col('Sales', 'decimal')];
    const now: CellValue[][] = [
      ['West', 1],
      [null, 2],
    ];
    const { summary } = await compareResults(input({ oldColumns: columns, newColumns: columns, old: now, now, keys: [] }));
    expect(summary).toMatchObject({ compared: false, reason: 'no-key', keys: [] });
    expect(describeDiff(summary)).toContain('Choose key columns in Properties');
  });
});
