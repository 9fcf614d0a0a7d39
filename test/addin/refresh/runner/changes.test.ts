import { describe, expect, it } from 'vitest';

import { CHANGE_MARK } from '../../../../addin/workbook/excel/mark-changes.js';
import type { ColumnSpec } from '../../../../common/stream.js';
import { bench, columns, ok } from './fixtures.js';

/** A table as its insert leaves it: R1..R3 with Sales 1..3 and a recorded result to compare with. */
async function refreshed(options: Parameters<typeof bench>[0] = {}) {
  const b = await bench(options);
  await b.store.recordResult(b.ids.Sales, { at: '2026-03-01T09:30:00Z', rows: 3, durationMs: 0, status: 'ok' });
  return b;
}

describe('refresh runner: what changed since the last refresh', () => {
  it('counts changed, added and removed rows by the guessed key, in the outcome, the log and lastResult', async () => {
    const b = await refreshed();
    b.api.script(
      'v1',
      ok(columns, [
        ['R1', 10],
        ['R2', 2],
        ['R4', 4],
        ['R5', 5],
      ]),
    );
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.changes).toMatchObject({
      compared: true,
      keys: ['Region'],
      keyGuessed: true,
      changed: 1,
      added: 2,
      removed: 1,
      unchanged: 1,
    });
    const said = '1 changed, 2 added, 1 removed since the last refresh (by "Region", a guessed key).';
    expect(b.log.entries()[0].message).toContain(said);
    expect((await b.store.get(b.ids.Sales))?.lastResult?.changes).toEqual(outcome.changes);
  });

  it('uses the key columns the analyst chose', async () => {
    const b = await refreshed({ tables: [{ name: 'Sales', viewId: 'v1', at: 'A1', def: {} }] });
    const def = (await b.store.get(b.ids.Sales))!;
    await b.store.upsert({ ...def, options: { ...def.options, keyColumns: ['Sales'] } });
    b.api.script(
      'v1',
      ok(columns, [
        ['X1', 1],
        ['R2', 2],
        ['R3', 3],
      ]),
    );
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.changes).toMatchObject({ compared: true, keys: ['Sales'], keyGuessed: false, changed: 1, added: 0, removed: 0 });
  });

  it('says why there are no counts when the key column is gone, and still refreshes', async () => {
    const b = await refreshed();
    const def = (await b.store.get(b.ids.Sales))!;
    await b.store.upsert({ ...def, options: { ...def.options, keyColumns: ['Region'] } });
    const only: ColumnSpec[] = [columns[1]];
    b.api.script('v1', ok(only, [[1], [2]]));
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.status).toBe('ok');
    expect(outcome.changes).toMatchObject({ compared: false, reason: 'key-missing' });
    expect(b.log.entries()[0].message).toContain('the key column "Region" is not in the new result');
  });

  it('does not compare the first refresh, nor an append', async () => {
    const first = await bench();
    first.api.script('v1', ok(columns, [['R1', 1]]));
    expect((await first.runner.refresh(first.ids.Sales)).changes).toBeUndefined();
    const append = await refreshed({
      tables: [
        { name: 'Sales', viewId: 'v1', at: 'A1', def: { options: { mode: 'append', refreshExtractFirst: false, refreshOnOpen: false } } },
      ],
    });
    append.api.script('v1', ok(columns, [['R9', 9]]));
    expect((await append.runner.refresh(append.ids.Sales)).changes).toBeUndefined();
  });
});

describe('refresh runner: highlighting what changed', () => {
  const marks = (b: Awaited<ReturnType<typeof bench>>) =>
    b.workbook
      .sheet('Sheet1')
      .conditionalFormats.filter((f) => f.formula === CHANGE_MARK)
      .map((f) => ({ ...f.rect, fill: f.fill }));

  async function highlighting() {
    const b = await refreshed();
    const def = (await b.store.get(b.ids.Sales))!;
    await b.store.upsert({ ...def, options: { ...def.options, keyColumns: ['Region'], highlightChanges: true } });
    return b;
  }

  it('marks the changed cells and the added rows, and only those, with conditional formats', async () => {
    const b = await highlighting();
    // The table is A1:B4 (header in row 0). The analyst has a conditional format of their own on it.
    b.workbook
      .sheet('Sheet1')
      .conditionalFormats.push({ id: 'mine', rect: { row: 1, col: 0, rows: 3, cols: 1 }, formula: '=A2="R1"', fill: '#FF0000' });
    b.api.script(
      'v1',
      ok(columns, [
        ['R1', 10],
        ['R2', 2],
        ['R4', 4],
        ['R5', 5],
      ]),
    );
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.warnings).toEqual([]);
    // Row 0 of the data (R1): its Sales cell changed; rows 2-3 (R4, R5) were added across both columns.
    expect(marks(b)).toEqual([
      { row: 3, rows: 2, col: 0, cols: 2, fill: '#FFF2CC' },
      { row: 1, rows: 1, col: 1, cols: 1, fill: '#FFF2CC' },
    ]);
    expect((await b.store.get(b.ids.Sales))?.lastResult?.highlighted).toBe(true);

    // The next refresh removes them (nothing changed, nothing marked) and leaves the analyst's own.
    const outcome2 = await b.runner.refresh(b.ids.Sales);
    expect(outcome2.changes).toMatchObject({ compared: true, changed: 0, added: 0, removed: 0 });
    expect(marks(b)).toEqual([]);
    expect(b.workbook.sheet('Sheet1').conditionalFormats.map((f) => f.id)).toEqual(['mine']);
  });

  it('removes the last highlight when the option was turned off, and then asks Excel nothing more', async () => {
    const b = await highlighting();
    b.api.script('v1', ok(columns, [['R9', 9]]));
    await b.runner.refresh(b.ids.Sales);
    expect(marks(b).length).toBeGreaterThan(0);
    const def = (await b.store.get(b.ids.Sales))!;
    await b.store.upsert({ ...def, options: { ...def.options, highlightChanges: undefined } });
    await b.runner.refresh(b.ids.Sales);
    expect(marks(b)).toEqual([]);
    expect((await b.store.get(b.ids.Sales))?.lastResult?.highlighted).toBeUndefined();
  });

  it('does not highlight a table sorted in Excel (its rows are no longer in the result’s order) and says so', async () => {
    const b = await highlighting();
    b.workbook.findTable('Sales')!.sortFields = [{ key: 1, ascending: false }];
    b.api.script('v1', ok(columns, [['R9', 9]]));
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.changes).toMatchObject({ compared: true, added: 1, removed: 3 });
    expect(outcome.warnings).toEqual(['Not highlighted: the table is sorted in Excel, so its rows are not in the order they arrived.']);
    expect(marks(b)).toEqual([]);
  });
});
