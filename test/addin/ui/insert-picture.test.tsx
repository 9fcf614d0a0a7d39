/**
 * Inserting a view with its picture (addin/ui/preview/useInsert.ts) over the in-memory Excel: the
 * picture is fetched before anything is written, placed beside the table and recorded for refresh;
 * "picture only" places it at the selected cell without a table; a picture Tableau cannot give or an
 * Excel without the shapes API leaves the workbook untouched, in plain words.
 */
import { act, renderHook } from '@testing-library/react';
import { PNG } from 'pngjs';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '../../../addin/api/client.js';
import { ApiError } from '../../../addin/api/errors.js';
import { type Services, ServicesProvider } from '../../../addin/app/services.js';
import type { Inserted } from '../../../addin/refresh/runner/inserted.js';
import { type PictureChoice, PICTURES_UNSUPPORTED, useInsert } from '../../../addin/ui/preview/useInsert.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { PullSource } from '../../../common/source.js';
import type { StreamMessage } from '../../../common/stream.js';
import { connection } from './harness.js';

const source: PullSource = { kind: 'view', viewId: 'v1', name: 'Orders by Region' };

async function* messages(): AsyncGenerator<StreamMessage> {
  yield { kind: 'meta', columns: [{ name: 'Region', type: 'text', format: '@' }] };
  yield { kind: 'rows', rows: [['East'], ['West']] };
  yield { kind: 'end', rowCount: 2, truncated: false };
}

function setup(options: { apiVersion?: string; image?: () => Promise<Uint8Array> } = {}) {
  const workbook = memoryGateway(new MemoryWorkbook(), { apiVersion: options.apiVersion });
  const tablesWhenAsked: number[] = [];
  const p = new PNG({ width: 800, height: 600 });
  p.data.fill(90);
  const viewImage = vi.fn(async () => {
    tablesWhenAsked.push(workbook.workbook.tables.length);
    return options.image ? options.image() : new Uint8Array(PNG.sync.write(p));
  });
  const inserted: Inserted[] = [];
  const api: Partial<ApiClient> = { pull: () => messages(), viewImage };
  const services = { api: api as ApiClient, workbook, onInserted: async (t: Inserted) => void inserted.push(t) } as Services;
  return { workbook, viewImage, tablesWhenAsked, inserted, services };
}

async function insert(services: Services, picture: PictureChoice, where: 'newSheet' | 'cell' = 'newSheet') {
  const wrapper = ({ children }: { children: ReactNode }) => <ServicesProvider services={services}>{children}</ServicesProvider>;
  const { result } = renderHook(() => useInsert(connection, source), { wrapper });
  await act(async () => {
    await result.current.insert({ where, tableName: 'Regions', columnCount: 1, picture });
  });
  return result.current.state;
}

describe('insert a view with its picture', () => {
  it('gets the picture before writing, puts it beside the table and records it for refresh', async () => {
    const { services, workbook, tablesWhenAsked, inserted } = setup();
    const state = await insert(services, 'beside');
    expect(state).toMatchObject({ phase: 'done', table: { tableName: 'Regions', picture: { name: 'Picture_Regions' } } });
    expect(tablesWhenAsked).toEqual([0]);
    expect(workbook.workbook.sheet('Regions').shapes).toMatchObject([{ name: 'Picture_Regions', type: 'Image', left: 2 * 48, top: 0 }]);
    expect(inserted[0].kind !== 'picture' && inserted[0].picture).toEqual({ name: 'Picture_Regions' });
  });

  it('"picture only" puts the picture at the selected cell, writes no table and saves it for refresh', async () => {
    const { services, workbook, inserted } = setup();
    workbook.workbook.selection = { sheet: 'Sheet1', rect: { row: 4, col: 2, rows: 1, cols: 1 } };
    const state = await insert(services, 'only', 'cell');
    expect(state).toMatchObject({ phase: 'pictureDone', picture: { name: 'Picture_Regions', sheet: 'Sheet1', left: 96, top: 60 } });
    expect(workbook.workbook.tables).toEqual([]);
    expect(inserted).toEqual([{ kind: 'picture', name: 'Picture_Regions', sheet: 'Sheet1', source, connection }]);
  });

  it('leaves the workbook untouched when Tableau cannot give the picture', async () => {
    const { services, workbook } = setup({
      image: async () => {
        throw new ApiError({ code: 'not-found', message: 'Tableau says the view is gone.' });
      },
    });
    const state = await insert(services, 'beside');
    expect(state).toMatchObject({ phase: 'error', error: { message: 'Tableau says the view is gone.' } });
    expect(workbook.workbook.tables).toEqual([]);
    expect(workbook.workbook.sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });

  it('says plainly that pictures need ExcelApi 1.9 where it is missing, before anything is asked or written', async () => {
    const { services, workbook, viewImage } = setup({ apiVersion: '1.8' });
    const state = await insert(services, 'beside');
    expect(state).toMatchObject({ phase: 'error', error: { code: 'unsupported', message: PICTURES_UNSUPPORTED } });
    expect(viewImage).not.toHaveBeenCalled();
    expect(workbook.workbook.tables).toEqual([]);
  });
});
