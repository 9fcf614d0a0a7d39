/**
 * Issue #4 must-show: the data path end to end — TableauClient → simulator (view CSV export, VDS,
 * REST lists) → server/pull producers → typed result stream — for every VDS filter kind and a
 * parameter, view filters and parameters, each type conversion (including the columns that must
 * stay text), a custom view, an inventory list with nested values and a failing extract refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PullRequest } from '../../common/api.js';
import type { VdsQuery } from '../../common/source.js';
import type { ColumnSpec, StreamMessage } from '../../common/stream.js';
import { withTerminal } from '../../server/http/stream.js';
import { pullMessages } from '../../server/pull/pull-messages.js';
import { createSimulator, type Simulator } from '../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../server/tableau/index.js';

let sim: Simulator;
let client: TableauClient;
const ids = new Map<string, string>();

beforeAll(async () => {
  sim = await createSimulator({ jobs: { mode: 'poll', pollsPerStage: 1 } });
  client = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
  const workbooks = new Map((await client.listAll('workbooks')).map((w) => [w.id, w.name]));
  for (const v of await client.listAll('views')) ids.set(`view:${workbooks.get(v.workbook?.id ?? '')}/${v.name}`, v.id);
  for (const d of await client.listAll('datasources')) ids.set(`ds:${d.name}`, d.id);
  for (const c of await client.listAll('customViews')) ids.set(`cv:${c.name}`, c.id);
});
afterAll(async () => sim?.close());

interface Pulled {
  columns: ColumnSpec[];
  rows: unknown[][];
  end?: Extract<StreamMessage, { kind: 'end' }>;
  error?: Extract<StreamMessage, { kind: 'error' }>['error'];
  progress: string[];
}

async function pull(request: PullRequest): Promise<Pulled> {
  const out: Pulled = { columns: [], rows: [], progress: [] };
  // As the pull route does: a thrown error ends the stream with an `error` message in plain words.
  for await (const m of withTerminal(pullMessages(client, request))) {
    if (m.kind === 'meta') out.columns = m.columns;
    else if (m.kind === 'rows') out.rows.push(...m.rows);
    else if (m.kind === 'end') out.end = m;
    else if (m.kind === 'error') out.error = m.error;
    else out.progress.push(m.message);
  }
  return out;
}

const column = (p: Pulled, name: string) => {
  const i = p.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no column ${name} in ${p.columns.map((c) => c.name).join(', ')}`);
  return { spec: p.columns[i], values: p.rows.map((r) => r[i]) };
};
const id = (key: string) => {
  const value = ids.get(key);
  if (!value) throw new Error(`${key} not on the demo site`);
  return value;
};
const view = (name: string, extra: Record<string, unknown> = {}): PullRequest => ({
  source: { kind: 'view', viewId: id(`view:${name}`), ...extra },
});
const query = (q: VdsQuery, rowLimit?: number): PullRequest => ({
  source: { kind: 'datasource', datasourceId: id('ds:Superstore Orders'), query: q, ...(rowLimit ? { rowLimit } : {}) },
});

describe('view data: typed conversion of formatted CSV', () => {
  it('turns currency, counts, dates, date-times and booleans into values; codes and ZIPs stay text', async () => {
    const p = await pull(view('Superstore/Customers'));
    expect(p.error).toBeUndefined();
    const sales = column(p, 'Sales');
    expect(sales.spec).toMatchObject({ type: 'currency' });
    expect(sales.spec.format).toContain('$');
    expect(sales.values.every((v) => typeof v === 'number')).toBe(true);
    expect(column(p, 'Orders').spec.type).toBe('integer');
    expect(column(p, 'First Order').spec.type).toBe('date');
    expect(column(p, 'Last Order').spec.type).toBe('datetime');
    expect(column(p, 'Is Returning').values.every((v) => typeof v === 'boolean')).toBe(true);
    for (const name of ['Customer ID', 'Postal Code']) {
      const c = column(p, name);
      expect(c.spec).toMatchObject({ type: 'text', format: '@' });
      expect(c.values.some((v) => typeof v === 'string' && v.startsWith('0'))).toBe(true);
    }
    const notes = column(p, 'Notes').values.filter((v): v is string => typeof v === 'string');
    expect(notes.some((v) => v.startsWith('='))).toBe(true); // kept verbatim, written as text by the gateway
  });

  it('keeps a mixed column text and reads percentages and grouped decimals', async () => {
    const p = await pull(view('Superstore/Product Detail'));
    expect(column(p, 'Discount').spec.type).toBe('percentage');
    expect(column(p, 'Discount').values.every((v) => v === null || (typeof v === 'number' && v >= 0 && v < 1))).toBe(true);
    expect(column(p, 'Sales').values.every((v) => typeof v === 'number')).toBe(true);
    const mixed = p.columns.filter((c) => c.type === 'text').map((c) => c.name);
    expect(mixed.length).toBeGreaterThan(1); // product names and the mostly-numeric mixed column
  });

  it('reads a comma-decimal (de-DE) view: "1.234,56 €", "14,4 %", "31.12.2024"', async () => {
    const p = await pull(view('Regional Sales EMEA/Umsatz nach Region', { locale: 'auto' }));
    expect(p.error).toBeUndefined();
    const numeric = p.columns.filter((c) => ['currency', 'decimal', 'integer', 'percentage'].includes(c.type));
    expect(numeric.length).toBeGreaterThan(1);
    expect(p.columns.some((c) => c.type === 'percentage')).toBe(true);
    for (const c of numeric) expect(column(p, c.name).values.every((v) => v === null || typeof v === 'number')).toBe(true);
  });

  it('reads Measure Names / Measure Values and monthly dates', async () => {
    const measures = await pull(view('Superstore/Measure Overview'));
    expect(measures.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['Measure Names', 'Measure Values']));
    expect(column(measures, 'Measure Names').spec.type).toBe('text');
    const months = await pull(view('Superstore/Orders by Month'));
    expect(months.columns.some((c) => c.type === 'date')).toBe(true);
  });

  it('applies vf_ filters (exact match) and vf_Parameters', async () => {
    const all = await pull(view('Superstore/Orders by Region'));
    const west = await pull(view('Superstore/Orders by Region', { filters: { Region: 'West' } }));
    expect(new Set(column(west, 'Region').values)).toEqual(new Set(['West']));
    expect(west.rows.length).toBeLessThan(all.rows.length);
    const top5 = await pull(view('Superstore/Customers', { parameters: { 'Top Customers': '5' } }));
    expect(top5.rows).toHaveLength(5);
  });

  it("pulls a custom view's data with its saved filter", async () => {
    const p = await pull({ source: { kind: 'view', viewId: id('view:Superstore/Orders by Region'), customViewId: id('cv:West only') } });
    expect(p.rows.length).toBeGreaterThan(0);
    expect(new Set(column(p, 'Region').values)).toEqual(new Set(['West']));
  });
});

describe('VDS queries: every filter kind and a parameter', () => {
  const fields = [{ fieldCaption: 'Region' }, { fieldCaption: 'Category' }, { fieldCaption: 'Sales', function: 'SUM' }];
  const regions = async (filters: Array<Record<string, unknown>>) => {
    const p = await pull(query({ fields, filters }));
    expect(p.error).toBeUndefined();
    return p;
  };

  it('types measures as numbers and dimensions as text', async () => {
    const p = await pull(query({ fields: [...fields, { fieldCaption: 'Order Date', function: 'TRUNC_MONTH' }] }));
    expect(column(p, 'SUM(Sales)').values.every((v) => typeof v === 'number')).toBe(true);
    expect(column(p, 'Region').spec.type).toBe('text');
  });

  it('SET (include and exclude)', async () => {
    const east = await regions([{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['East'] }]);
    expect(new Set(column(east, 'Region').values)).toEqual(new Set(['East']));
    const notEast = await regions([{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['East'], exclude: true }]);
    expect(column(notEast, 'Region').values).not.toContain('East');
  });

  it('MATCH (contains)', async () => {
    const p = await regions([{ field: { fieldCaption: 'Category' }, filterType: 'MATCH', contains: 'Tech' }]);
    expect(new Set(column(p, 'Category').values)).toEqual(new Set(['Technology']));
  });

  it('QUANTITATIVE_NUMERICAL (range on an aggregate)', async () => {
    const p = await regions([
      {
        field: { fieldCaption: 'Sales', function: 'SUM' },
        filterType: 'QUANTITATIVE_NUMERICAL',
        quantitativeFilterType: 'MIN',
        min: 100_000,
      },
    ]);
    expect(column(p, 'SUM(Sales)').values.every((v) => (v as number) >= 100_000)).toBe(true);
  });

  it('QUANTITATIVE_DATE and relative DATE', async () => {
    const q = await regions([
      {
        field: { fieldCaption: 'Order Date' },
        filterType: 'QUANTITATIVE_DATE',
        quantitativeFilterType: 'RANGE',
        minDate: '2024-01-01',
        maxDate: '2024-12-31',
      },
    ]);
    const all = await regions([]);
    const sum = (p: Pulled) => column(p, 'SUM(Sales)').values.reduce((a: number, v) => a + (v as number), 0);
    expect(sum(q)).toBeGreaterThan(0);
    expect(sum(q)).toBeLessThan(sum(all));
    const relative = await pull(
      query({
        fields,
        filters: [
          {
            field: { fieldCaption: 'Order Date' },
            filterType: 'DATE',
            periodType: 'YEARS',
            dateRangeType: 'LASTN',
            rangeN: 1,
            anchorDate: '2024-12-31',
          },
        ],
      }),
    );
    expect(relative.error).toBeUndefined();
    expect(relative.rows.length).toBeGreaterThan(0);
  });

  it('TOP N by a measure', async () => {
    const p = await pull(
      query({
        fields: [{ fieldCaption: 'Customer Name' }, { fieldCaption: 'Sales', function: 'SUM' }],
        filters: [
          {
            field: { fieldCaption: 'Customer Name' },
            filterType: 'TOP',
            howMany: 3,
            direction: 'TOP',
            fieldToMeasure: { fieldCaption: 'Sales', function: 'SUM' },
          },
        ],
      }),
    );
    expect(p.rows).toHaveLength(3);
  });

  it('CONDITION (2026.1)', async () => {
    const p = await pull(
      query({
        fields,
        filters: [
          {
            field: { fieldCaption: 'Region' },
            filterType: 'CONDITION',
            condition: { fieldCaption: 'Sales', function: 'SUM', comparison: '>', value: 1 },
          },
        ],
      }),
    );
    expect(p.error).toBeUndefined();
    expect(p.rows.length).toBeGreaterThan(0);
  });

  it('a parameter changes a calculated field', async () => {
    const sel = (segment: string) =>
      pull(
        query({
          fields: [{ fieldCaption: 'Selected Segment Sales', function: 'SUM' }],
          parameters: [{ parameterCaption: 'Segment Choice', value: segment }],
        }),
      );
    const consumer = column(await sel('Consumer'), 'SUM(Selected Segment Sales)').values[0] as number;
    const corporate = column(await sel('Corporate'), 'SUM(Selected Segment Sales)').values[0] as number;
    expect(consumer).toBeGreaterThan(0);
    expect(corporate).toBeGreaterThan(0);
    expect(consumer).not.toBe(corporate);
  });

  it('says when a row limit cut the result', async () => {
    const p = await pull(query({ fields: [{ fieldCaption: 'Order ID' }] }, 10));
    expect(p.rows).toHaveLength(10);
    expect(p.end?.truncated).toBe(true);
  });

  it('rejects a query the schema rejects before Tableau sees it, in plain words', async () => {
    const p = await pull(query({ fields: [{ fieldCaption: 'Sales', function: 'SUMX' }] }));
    expect(p.error?.code).toBe('vds-invalid-query');
    expect(p.error?.message).toMatch(/SUM/);
  });
});

describe('site inventory and extract refresh', () => {
  it('pulls views with usage as a typed table with flattened nested values', async () => {
    const p = await pull({ source: { kind: 'inventory', resource: 'views', sort: 'name:asc' } });
    const names = p.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['id', 'name', 'workbook.id', 'owner.id']));
    const usage = column(p, 'usage.totalViewCount');
    expect(usage.spec.type).toBe('integer');
    expect(usage.values.every((v) => typeof v === 'number')).toBe(true);
    expect(p.columns.find((c) => c.name === 'createdAt')?.type).toBe('datetime');
  });

  it('pulls workbooks with project and owner names', async () => {
    const p = await pull({ source: { kind: 'inventory', resource: 'workbooks', filter: 'projectName:eq:Sales' } });
    expect(new Set(column(p, 'project.name').values)).toEqual(new Set(['Sales']));
  });

  it('ends with a plain-words error when the extract refresh job fails', async () => {
    const p = await pull({
      source: { kind: 'datasource', datasourceId: id('ds:Legacy Sales Extract'), query: { fields: [{ fieldCaption: 'Region' }] } },
      options: { refreshExtractFirst: true },
    });
    expect(p.progress.length).toBeGreaterThan(0);
    expect(p.error?.code).toBe('extract-refresh-failed');
    expect(p.rows).toHaveLength(0);
  });
});
