/**
 * The insert flow (addin/ui/preview/useInsert.ts) shows text cut to Excel's 32,767-character cell
 * limit with the pull's own warnings, in the one sentence of addin/refresh/runner/words.ts: over a
 * stub workbook and over the in-memory Excel.
 */
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';

import type { ApiClient } from '../../../addin/api/client.js';
import { type Services, ServicesProvider } from '../../../addin/app/services.js';
import { useInsert } from '../../../addin/ui/preview/useInsert.js';
import type { WorkbookGateway, WriteStats, WrittenTable } from '../../../addin/workbook/gateway.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import type { PullSource } from '../../../common/source.js';
import type { StreamMessage } from '../../../common/stream.js';
import { connection } from './harness.js';

const source: PullSource = { kind: 'view', viewId: 'v1', name: 'Feedback' };

async function* messages(long = 'long'): AsyncGenerator<StreamMessage> {
  yield { kind: 'meta', columns: [{ name: 'Comment', type: 'text', format: '@' }] };
  yield { kind: 'rows', rows: [['short'], [long]] };
  yield { kind: 'end', rowCount: 2, truncated: false, warnings: ['Dates before 1900 arrive as text.'] };
}

function servicesWith(stats: WriteStats): Services {
  const workbook: Partial<WorkbookGateway> = {
    kind: 'memory',
    checkTarget: async () => ({ ok: true, address: 'A1' }),
    writeTable: async (_target, _columns, rows, opts): Promise<WrittenTable> => {
      for await (const batch of rows as AsyncIterable<unknown[]>) void batch;
      return { name: opts.tableName, sheet: 'Feedback', address: 'A1:A3', rowCount: 2, columnCount: 1, stats };
    },
    activateTable: async () => undefined,
  };
  const api: Partial<ApiClient> = { pull: () => messages() };
  return { api: api as ApiClient, workbook: workbook as WorkbookGateway };
}

async function insertWith(stats: WriteStats | Services) {
  const services = 'workbook' in stats ? stats : servicesWith(stats);
  const wrapper = ({ children }: { children: ReactNode }) => <ServicesProvider services={services}>{children}</ServicesProvider>;
  const { result } = renderHook(() => useInsert(connection, source), { wrapper });
  await act(async () => {
    await result.current.insert({ where: 'newSheet', tableName: 'Feedback', columnCount: 1 });
  });
  return result.current.state;
}

describe('insert: cells cut to the cell limit', () => {
  it('adds the named cells to the warnings shown after inserting', async () => {
    const state = await insertWith({ syncs: 1, bytes: 1, truncatedCells: 1, truncatedSample: ['Comment, row 2'] });
    expect(state).toMatchObject({
      phase: 'done',
      warnings: ['Dates before 1900 arrive as text.', "1 cell was longer than Excel's 32,767-character limit and was cut: Comment, row 2."],
    });
  });

  it('over the in-memory Excel: a 40,000-character cell is named', async () => {
    const api: Partial<ApiClient> = { pull: () => messages('x'.repeat(40_000)) };
    const state = await insertWith({ api: api as ApiClient, workbook: memoryGateway() });
    expect(state).toMatchObject({
      phase: 'done',
      warnings: ['Dates before 1900 arrive as text.', "1 cell was longer than Excel's 32,767-character limit and was cut: Comment, row 2."],
    });
  });

  it('adds nothing when no cell was cut', async () => {
    const state = await insertWith({ syncs: 1, bytes: 1, truncatedCells: 0, truncatedSample: [] });
    expect(state).toMatchObject({ phase: 'done', warnings: ['Dates before 1900 arrive as text.'] });
  });
});
