import { describe, expect, it } from 'vitest';

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
