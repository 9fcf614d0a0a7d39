/**
 * Text cut to Excel's 32,767-character cell limit is named, in one sentence from words.ts, in the
 * refresh outcome (the Tables tab's status) and the refresh log: over a stub gateway whose write
 * reports cut cells, and end to end over the in-memory Excel (addin/workbook/write-core.ts counts
 * and names them).
 */
import { describe, expect, it } from 'vitest';

import { DefinitionStore } from '../../../../addin/refresh/definitions/store.js';
import { createRefreshLog } from '../../../../addin/refresh/runner/log.js';
import { RefreshRunner } from '../../../../addin/refresh/runner/runner.js';
import { describeOutcome, describeTruncatedCells } from '../../../../addin/refresh/runner/words.js';
import type { ReplaceResult, WorkbookGateway, WriteStats } from '../../../../addin/workbook/gateway.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import type { ColumnSpec } from '../../../../common/stream.js';
import { connectionInfo, fakeApi, ok, viewDefinition } from './fixtures.js';

const stats = (truncatedCells: number, truncatedSample: string[]): WriteStats => ({ syncs: 1, bytes: 1, truncatedCells, truncatedSample });

describe('describeTruncatedCells', () => {
  it('says nothing when no cell was cut', () => {
    expect(describeTruncatedCells(undefined)).toBeNull();
    expect(describeTruncatedCells(stats(0, []))).toBeNull();
  });

  it('names every cut cell when the sample holds them all', () => {
    expect(describeTruncatedCells(stats(3, ['Comment, row 17', 'Comment, row 90', 'Notes, row 4']))).toBe(
      "3 cells were longer than Excel's 32,767-character limit and were cut: Comment, row 17; Comment, row 90; Notes, row 4.",
    );
    expect(describeTruncatedCells(stats(1, ['Comment, row 2']))).toBe(
      "1 cell was longer than Excel's 32,767-character limit and was cut: Comment, row 2.",
    );
  });

  it('counts the rest beyond the sample', () => {
    const sample = Array.from({ length: 20 }, (_, i) => `Notes, row ${i + 1}`);
    const words = describeTruncatedCells(stats(1234, sample))!;
    expect(words).toMatch(/^1,234 cells were longer than Excel's 32,767-character limit and were cut: Notes, row 1; Notes, row 2;/);
    expect(words).toMatch(/Notes, row 20; and 1,214 more\.$/);
  });

  it('still counts when the gateway named none', () => {
    expect(describeTruncatedCells(stats(2, []))).toBe("2 cells were longer than Excel's 32,767-character limit and were cut.");
  });
});

const textColumns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Comment', type: 'text', format: '@' },
];

/** Just enough gateway for a refresh: documents in a map, and a write that reports cut cells. */
function stubGateway(writeStats: WriteStats): WorkbookGateway {
  const parts = new Map<string, string>();
  const stub: Partial<WorkbookGateway> = {
    kind: 'memory',
    readDocument: async (ns) => parts.get(ns) ?? null,
    writeDocument: async (ns, xml) => void parts.set(ns, xml),
    replaceTableData: async (name, cols, data): Promise<ReplaceResult> => ({
      table: { name, sheet: 'Sheet1', address: 'A1:B3', headers: cols.map((c) => c.name), rowCount: data.length, columnCount: cols.length },
      rowsWritten: data.length,
      addedColumns: [],
      sorted: false,
      removedColumns: [],
      keptColumns: [],
      stats: writeStats,
    }),
  };
  return stub as WorkbookGateway;
}

describe('a refresh that cut cells says which', () => {
  it('puts the warning in the outcome, its plain words and the log (stub gateway)', async () => {
    const gateway = stubGateway(stats(3, ['Comment, row 17', 'Comment, row 90', 'Notes, row 4']));
    const store = new DefinitionStore(gateway);
    const { id } = await store.upsert(
      viewDefinition('Feedback', 'v1', { columns: textColumns.map((c) => ({ name: c.name, type: c.type })) }),
    );
    const api = fakeApi([connectionInfo('c1')]);
    api.script('v1', ok(textColumns, [['East', 'short']]));
    const log = createRefreshLog({ storage: undefined });
    const runner = new RefreshRunner({ gateway, store, api, log });

    const outcome = await runner.refresh(id);

    const warning = "3 cells were longer than Excel's 32,767-character limit and were cut: Comment, row 17; Comment, row 90; Notes, row 4.";
    expect(outcome).toMatchObject({ status: 'ok', warnings: [warning] });
    expect(describeOutcome(outcome)).toContain(warning);
    expect(log.entries()[0]).toMatchObject({ table: 'Feedback', outcome: 'ok', message: expect.stringContaining(warning) });
  });

  it('adds nothing when no cell was cut (stub gateway)', async () => {
    const gateway = stubGateway(stats(0, []));
    const store = new DefinitionStore(gateway);
    const { id } = await store.upsert(viewDefinition('Feedback', 'v1'));
    const api = fakeApi([connectionInfo('c1')]);
    api.script('v1', ok(textColumns, [['East', 'short']]));
    const outcome = await new RefreshRunner({ gateway, store, api, log: createRefreshLog({ storage: undefined }) }).refresh(id);
    expect(outcome.warnings).toEqual([]);
  });

  it('over the in-memory Excel: a 40,000-character cell is named in the outcome and the log', async () => {
    const gateway = memoryGateway();
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, textColumns, [['East', 'fine']], { tableName: 'Feedback' });
    const store = new DefinitionStore(gateway);
    const { id } = await store.upsert(
      viewDefinition('Feedback', 'v1', { columns: textColumns.map((c) => ({ name: c.name, type: c.type })) }),
    );
    const api = fakeApi([connectionInfo('c1')]);
    api.script(
      'v1',
      ok(textColumns, [
        ['East', 'fine'],
        ['West', 'x'.repeat(40_000)],
      ]),
    );
    const log = createRefreshLog({ storage: undefined });
    const outcome = await new RefreshRunner({ gateway, store, api, log }).refresh(id);
    const warning = "1 cell was longer than Excel's 32,767-character limit and was cut: Comment, row 2.";
    expect(outcome.warnings).toEqual([warning]);
    expect(log.entries()[0].message).toContain(warning);
  });
});
