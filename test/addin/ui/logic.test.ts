// @vitest-environment jsdom
// (the fixtures come from ./harness.tsx, which needs a window: https://vitest.dev/guide/environment#environments-for-specific-files)
import { describe, expect, it } from 'vitest';

import { currentRoute, initialNav, navReducer } from '../../../addin/app/navigation.js';
import { buildProjectTree } from '../../../addin/ui/browse/projectForest.js';
import { emptyConnectForm, validateConnectForm } from '../../../addin/ui/connect/connectForm.js';
import { buildInventorySource, splitExpressions } from '../../../addin/ui/inventory/inventoryLists.js';
import { suggestTableName, tableNameProblem } from '../../../addin/ui/preview/tableName.js';
import { buildDatasourceSource, emptyDraft, newFilter } from '../../../addin/ui/query/queryDraft.js';
import { formatCell } from '../../../addin/workbook/cell-display.js';
import { metadata } from './harness.js';

describe('query draft → VDS query', () => {
  const ds = { id: 'ds', name: 'Superstore' };
  it('rejects two filters on one field (VDS allows one per field)', () => {
    const draft = { ...emptyDraft(), fields: [{ fieldCaption: 'Region', function: '', sort: '' as const }] };
    draft.filters = [
      { ...newFilter('SET', 'Region'), values: 'East' } as never,
      { ...newFilter('MATCH', 'Region'), contains: 'E' } as never,
    ];
    expect(buildDatasourceSource(ds, metadata, draft).errors).toEqual(['Only one filter per field: Region has two.']);
  });
  it('checks ranges and dates in plain words', () => {
    const draft = { ...emptyDraft(), fields: [{ fieldCaption: 'Sales', function: 'SUM', sort: '' as const }] };
    draft.filters = [
      { type: 'RANGE', fieldCaption: 'Sales', min: '10', max: '5' },
      { type: 'RANGE', fieldCaption: 'Order Date', min: '01/02/2024', max: '' },
    ];
    expect(buildDatasourceSource(ds, metadata, draft).errors).toEqual([
      'Range on Sales: the minimum is larger than the maximum.',
      'Range on Order Date: dates are written YYYY-MM-DD.',
    ]);
  });
  it('omits rowLimit, filters and parameters when not set', () => {
    const draft = { ...emptyDraft(), fields: [{ fieldCaption: 'Region', function: '', sort: '' as const }] };
    expect(buildDatasourceSource(ds, metadata, draft).source).toEqual({
      kind: 'datasource',
      datasourceId: 'ds',
      name: 'Superstore',
      query: { fields: [{ fieldCaption: 'Region' }] },
    });
  });
});

describe('table names', () => {
  it('follows Excel rules', () => {
    expect(tableNameProblem('Orders')).toBeNull();
    expect(tableNameProblem('_x.y2')).toBeNull();
    expect(tableNameProblem('My table')).toMatch(/spaces/);
    expect(tableNameProblem('1abc')).toMatch(/Start the name/);
    expect(tableNameProblem('A1')).toMatch(/cell reference/);
    expect(tableNameProblem('R1C1')).toMatch(/cell reference/);
    expect(tableNameProblem('c')).toMatch(/cell reference/);
    expect(tableNameProblem('a-b')).toMatch(/only letters/);
    expect(tableNameProblem('')).toMatch(/name/);
  });
  it('suggests a free, valid name from the source title', () => {
    expect(suggestTableName('Superstore / Sales by Region')).toBe('Sales_by_Region');
    expect(suggestTableName('Superstore / Sales by Region', ['sales_by_region'])).toBe('Sales_by_Region_2');
    expect(suggestTableName('2024 Plan')).toBe('T_2024_Plan');
    expect(suggestTableName('A1')).toBe('Data_A1');
    expect(suggestTableName('')).toBe('Tableau_Data');
  });
});

describe('inventory filter/sort', () => {
  it('splits on top-level commas only', () => {
    expect(splitExpressions('name:in:[a,b], ownerName:eq:x ,')).toEqual(['name:in:[a,b]', 'ownerName:eq:x']);
  });
  it('accepts Tableau syntax and explains mistakes', () => {
    expect(buildInventorySource('users', 'siteRole:eq:Creator', 'lastLogin:desc').source).toEqual({
      kind: 'inventory',
      resource: 'users',
      filter: 'siteRole:eq:Creator',
      sort: 'lastLogin:desc',
    });
    expect(buildInventorySource('users', 'siteRole=Creator', 'name').errors).toEqual([
      '"siteRole=Creator" is not field:operator:value.',
      '"name" is not field:asc or field:desc.',
    ]);
    expect(buildInventorySource('workbooks', 'name:like:x', '').errors[0]).toMatch(/not a filter operator/);
    expect(buildInventorySource('workbooks', 'name:eq:a&b', '').errors[0]).toMatch(/&/);
  });
});

describe('project tree', () => {
  it('nests by parent, keeps orphans as roots and survives cycles', () => {
    const tree = buildProjectTree([
      { id: 'b', name: 'B', parentProjectId: 'a' },
      { id: 'a', name: 'A' },
      { id: 'o', name: 'Orphan', parentProjectId: 'hidden' },
      { id: 'x', name: 'X', parentProjectId: 'y' },
      { id: 'y', name: 'Y', parentProjectId: 'x' },
    ]);
    expect(tree.map((n) => n.project.name)).toEqual(['A', 'Orphan', 'X', 'Y'].filter((n) => tree.some((t) => t.project.name === n)));
    expect(tree.find((n) => n.project.id === 'a')?.children.map((c) => c.project.id)).toEqual(['b']);
    const count = (nodes: typeof tree): number => nodes.reduce((s, n) => s + 1 + count(n.children), 0);
    expect(count(tree)).toBe(5);
  });
});

describe('connect form', () => {
  it('reads the site from a pasted Tableau URL and keeps a path prefix', () => {
    const { request } = validateConnectForm({
      ...emptyConnectForm(),
      serverUrl: 'https://tab.example.com/#/site/marketing/home',
      patName: 'n',
      patSecret: 's',
    });
    expect(request).toMatchObject({ serverUrl: 'https://tab.example.com', siteContentUrl: 'marketing' });
    expect(
      validateConnectForm({ ...emptyConnectForm(), serverUrl: 'proxy.example.com/tableau/', patName: 'n', patSecret: 's' }).request
        ?.serverUrl,
    ).toBe('https://proxy.example.com/tableau');
    expect(
      validateConnectForm({ ...emptyConnectForm(), serverUrl: 'https://x', siteContentUrl: 'a b', patName: 'n', patSecret: 's' }).errors
        .siteContentUrl,
    ).toBeTruthy();
  });

  it('reads the server and site by the rules the companion server applies (common/site.ts)', () => {
    const form = { ...emptyConnectForm(), patName: 'n', patSecret: 's' };
    expect(validateConnectForm({ ...form, serverUrl: 'https://me:pw@tab.example.com' }).errors.serverUrl).toMatch(
      /must not contain a user name or password/,
    );
    expect(validateConnectForm({ ...form, serverUrl: 'ftp://tab.example.com' }).errors.serverUrl).toMatch(/must start with https:\/\//);
    expect(validateConnectForm({ ...form, serverUrl: 'https://x', siteContentUrl: 'sales.eu' }).errors.siteContentUrl).toMatch(
      /letters, digits/,
    );
    expect(validateConnectForm({ ...form, serverUrl: 'HTTPS://Tab.Example.com/?x=1' }).request?.serverUrl).toBe('https://tab.example.com');
  });
});

describe('navigation', () => {
  it('keeps one stack per tab', () => {
    let s = initialNav('browse');
    s = navReducer(s, { type: 'push', route: { name: 'query', datasource: { id: 'd', name: 'D' } } });
    s = navReducer(s, { type: 'tab', tab: 'tables' });
    expect(currentRoute(s).name).toBe('home');
    s = navReducer(s, { type: 'tab', tab: 'browse' });
    expect(currentRoute(s).name).toBe('query');
    s = navReducer(navReducer(s, { type: 'back' }), { type: 'back' });
    expect(currentRoute(s).name).toBe('home');
  });
});

describe('number formats for display', () => {
  it.each([
    [1234, '$#,##0', '$1,234'],
    [-1234.5, '$#,##0.00;($#,##0.00)', '($1,234.50)'],
    [0.1234, '0.0%', '12.3%'],
    [45000, 'yyyy-mm-dd', '2023-03-15'],
    [1, 'yyyy-mm-dd', '1900-01-01'],
    [59, 'yyyy-mm-dd', '1900-02-28'],
    [61, 'yyyy-mm-dd', '1900-03-01'],
    [45000.75, 'm/d/yyyy h:mm', '3/15/2023 18:00'],
    [45000.5, 'h:mm AM/PM', '12:00 PM'],
    [1234, '[$€-407]#,##0.00', '€1,234.00'],
    [3.14159, 'General', '3.14159'],
    [1e12, 'General', '1E+12'],
    ['=1+1', '@', '=1+1'],
    [true, 'General', 'TRUE'],
    [null, '$#,##0', ''],
  ])('%s with %s → %s', (value, format, shown) => {
    expect(formatCell(value as never, format)).toBe(shown);
  });
});
