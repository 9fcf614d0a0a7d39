import { pageOf, toDatasourceItem, toProjectItem, toSheetType, toViewItem, toWorkbookItem } from '../../../server/http/mappers.js';
import { vdsColumns } from '../../../server/pull/pull-messages.js';

describe('browse mappers', () => {
  it('keeps what the pane shows and drops what Tableau omitted', () => {
    expect(toProjectItem({ id: 'p', name: 'Sales', parentProjectId: '', description: undefined } as never)).toEqual({
      id: 'p',
      name: 'Sales',
    });
    expect(
      toWorkbookItem({
        id: 'w',
        name: 'Superstore',
        contentUrl: 'Superstore',
        project: { id: 'p', name: 'Sales' },
        owner: { id: 'u', name: 'carl' },
        updatedAt: '2026-01-20T09:30:00Z',
      } as never),
    ).toEqual({
      id: 'w',
      name: 'Superstore',
      contentUrl: 'Superstore',
      projectId: 'p',
      projectName: 'Sales',
      ownerName: 'carl',
      updatedAt: '2026-01-20T09:30:00Z',
    });
    expect(toDatasourceItem({ id: 'd', name: 'Orders', hasExtracts: false } as never)).toEqual({
      id: 'd',
      name: 'Orders',
      hasExtracts: false,
    });
  });

  it("calls REST's 'view' a sheet", () => {
    expect(toSheetType('view')).toBe('sheet');
    expect(toSheetType('dashboard')).toBe('dashboard');
    expect(toSheetType('story')).toBe('story');
    expect(toSheetType(undefined)).toBe('sheet');
    expect(toViewItem({ id: 'v', name: 'Overview', sheetType: 'view', usage: { totalViewCount: 7 } } as never, { id: 'w' })).toEqual({
      id: 'v',
      name: 'Overview',
      contentUrl: '',
      sheetType: 'sheet',
      workbookId: 'w',
      totalViewCount: 7,
    });
  });

  it('pages: nextPage is null on the last page', () => {
    expect(pageOf([1, 2], 1, 2, 5)).toMatchObject({ nextPage: 2, total: 5 });
    expect(pageOf([5], 3, 2, 5).nextPage).toBeNull();
    expect(pageOf([], 1, 100, 0).nextPage).toBeNull();
  });
});

describe('vdsColumns', () => {
  const metadata = {
    fields: [
      { fieldName: 'Region', fieldCaption: 'Region', dataType: 'STRING' as const, role: 'DIMENSION' as const },
      { fieldName: 'Sales', fieldCaption: 'Sales', dataType: 'REAL' as const, role: 'MEASURE' as const },
      { fieldName: 'Order Date', fieldCaption: 'Order Date', dataType: 'DATE' as const, role: 'DIMENSION' as const },
    ],
  };

  it('names columns as VDS keys them and types them from the metadata', () => {
    expect(
      vdsColumns(
        {
          fields: [
            { fieldCaption: 'Region' },
            { fieldCaption: 'Sales', function: 'SUM' },
            { fieldCaption: 'Order Date', function: 'YEAR', fieldAlias: 'Year' },
            { fieldCaption: 'Margin', calculation: 'SUM([Profit])/SUM([Sales])' },
            { fieldCaption: 'Unknown field' },
          ],
        },
        metadata,
      ),
    ).toEqual([
      { key: 'Region', caption: 'Region', dataType: 'STRING' },
      { key: 'SUM(Sales)', caption: 'SUM(Sales)', dataType: 'REAL', function: 'SUM' },
      { key: 'Year', caption: 'Year', dataType: 'DATE', function: 'YEAR' },
      { key: 'Margin', caption: 'Margin', dataType: 'UNKNOWN' },
      { key: 'Unknown field', caption: 'Unknown field', dataType: 'UNKNOWN' },
    ]);
  });
});
