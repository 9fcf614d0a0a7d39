import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { excelSerial } from '../../../common/typed-values.js';
import { type VdsColumn, vdsColumnSpec } from '../../../server/pull/vds-columns.js';
import { VdsBodyScanner } from '../../../server/pull/vds-scanner.js';
import { vdsToTyped } from '../../../server/pull/vds-typed.js';
import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';
import { chunks, collect, rowsOf } from './helpers.js';
import { BENCH_VDS_COLUMNS, vdsBody } from './vds-body.js';

const FIXTURES = JSON.parse(readFileSync(`${TABLEAU_REFERENCE}/json-fixtures-from-tests.json`, 'utf8'));

const COLUMNS: VdsColumn[] = [
  { key: 'Category', caption: 'Category', dataType: 'STRING' },
  { key: 'SUM(Profit)', caption: 'Profit', dataType: 'REAL', function: 'SUM' },
  { key: 'Order Date', caption: 'Order Date', dataType: 'DATE' },
  { key: 'Ship Time', caption: 'Ship Time', dataType: 'DATETIME' },
  { key: 'Returned', caption: 'Returned', dataType: 'BOOLEAN' },
];
const TRICKY = [
  {
    Category: 'Tech "quoted", [bracket] {brace} \\ back\\slash',
    'SUM(Profit)': 146543.37559999965,
    'Order Date': '2024-01-05',
    'Ship Time': '2024-01-05T13:45:00Z',
    Returned: true,
  },
  {
    Category: 'Ünïcödé 日本語 😀 \u2028',
    'SUM(Profit)': -1.5e-7,
    'Order Date': '1900-01-01',
    'Ship Time': '2024-01-05 13:45:30.250',
    Returned: 'false',
  },
  { Category: null, 'SUM(Profit)': null, 'Order Date': null, 'Ship Time': null, Returned: null },
  { Category: '\\"', 'SUM(Profit)': 0, 'Order Date': '2024-02-29', 'Ship Time': '2024-02-29T00:00:00', Returned: false },
];
const TRICKY_BODY = Buffer.from(JSON.stringify({ data: TRICKY }, null, 1));
const EXPECTED = [
  ['Tech "quoted", [bracket] {brace} \\ back\\slash', 146543.37559999965, 45296, excelSerial(2024, 1, 5, 13, 45, 0), true],
  ['Ünïcödé 日本語 😀 \u2028', -1.5e-7, 1, excelSerial(2024, 1, 5, 13, 45, 30.25), false],
  [null, null, null, null, null],
  ['\\"', 0, excelSerial(2024, 2, 29), excelSerial(2024, 2, 29), false],
];

describe('VdsBodyScanner', () => {
  it.each([1, 2, 3, 5, 16, 1 << 20])('finds every element with %i-byte chunks (strings, escapes, unicode)', (size) => {
    const scanner = new VdsBodyScanner();
    const rows: unknown[] = [];
    for (let i = 0; i < TRICKY_BODY.length; i += size) {
      for (const text of scanner.feed(TRICKY_BODY.subarray(i, i + size))) rows.push(...JSON.parse(text));
    }
    expect(rows).toEqual(TRICKY);
    expect(scanner.finish()).toEqual({ data: [] });
  });

  it('never parses the whole body: one slice per chunk', () => {
    const scanner = new VdsBodyScanner();
    const texts: string[] = [];
    for (let i = 0; i < TRICKY_BODY.length; i += 200) texts.push(...scanner.feed(TRICKY_BODY.subarray(i, i + 200)));
    expect(texts.length).toBeGreaterThan(1);
  });

  it('ignores a "data" key nested deeper, and keeps other top-level keys', () => {
    const body = Buffer.from('{"meta":{"data":[1,2]},"x":"data","data":[[1],[2]],"extra":{"k":[3]}}');
    const scanner = new VdsBodyScanner();
    const rows: unknown[] = [];
    for (let i = 0; i < body.length; i += 3) for (const t of scanner.feed(body.subarray(i, i + 3))) rows.push(...JSON.parse(t));
    expect(rows).toEqual([[1], [2]]);
    expect(scanner.finish()).toEqual({ meta: { data: [1, 2] }, x: 'data', data: [], extra: { k: [3] } });
  });
});

describe('vdsToTyped', () => {
  it('sends meta before reading any byte', async () => {
    let read = false;
    async function* body() {
      read = true;
      yield Buffer.from('{"data":[]}');
    }
    const gen = vdsToTyped(body(), { columns: COLUMNS, returnFormat: 'OBJECTS' });
    const first = await gen.next();
    expect(first.value).toMatchObject({ kind: 'meta' });
    expect(read).toBe(false);
    await gen.return(undefined);
  });

  it.each([1, 3, 7, 1 << 20])('types OBJECTS rows with %i-byte chunks', async (size) => {
    const out = await collect(vdsToTyped(chunks(TRICKY_BODY, size), { columns: COLUMNS, returnFormat: 'OBJECTS', source: 'Orders' }));
    expect(out[0]).toEqual({
      kind: 'meta',
      source: 'Orders',
      columns: [
        { name: 'Category', type: 'text', format: '@' },
        { name: 'Profit', type: 'decimal', format: '#,##0.00' },
        { name: 'Order Date', type: 'date', format: 'yyyy-mm-dd' },
        { name: 'Ship Time', type: 'datetime', format: 'yyyy-mm-dd hh:mm:ss' },
        { name: 'Returned', type: 'boolean', format: 'General' },
      ],
    });
    expect(rowsOf(out)).toEqual(EXPECTED);
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 4, truncated: false });
  });

  it('types ARRAYS rows (the Python SDK fixture)', async () => {
    const body = Buffer.from(JSON.stringify({ data: FIXTURES.vds_query_success_ARRAYS.data }));
    const cols: VdsColumn[] = [
      { key: 'Category', caption: 'Category', dataType: 'STRING' },
      { key: 'AVG(Discount)', caption: 'Discount', dataType: 'REAL', function: 'AVG' },
    ];
    const out = await collect(vdsToTyped(chunks(body, 5), { columns: cols, returnFormat: 'ARRAYS' }));
    expect(rowsOf(out)).toEqual(FIXTURES.vds_query_success_ARRAYS.data);
  });

  it('types the tableau-mcp OBJECTS fixture', async () => {
    const body = Buffer.from(JSON.stringify({ data: FIXTURES.vds_query_success_OBJECTS.data }));
    const cols: VdsColumn[] = [
      { key: 'Category', caption: 'Category', dataType: 'STRING' },
      { key: 'SUM(Profit)', caption: 'Profit', dataType: 'REAL', function: 'SUM' },
    ];
    const out = await collect(vdsToTyped(chunks(body, 9), { columns: cols, returnFormat: 'OBJECTS' }));
    expect(rowsOf(out)).toEqual([
      ['Technology', 146543.37559999965],
      ['Furniture', 19729.995600000024],
      ['Office Supplies', 126023.44340000013],
    ]);
  });

  it("turns a VDS error body into an error message with Tableau's code and no debug details", async () => {
    const { _source, ...errorBody } = FIXTURES.vds_query_error;
    const out = await collect(vdsToTyped(chunks(JSON.stringify(errorBody), 4), { columns: COLUMNS, returnFormat: 'OBJECTS' }));
    expect(out.at(-1)).toEqual({
      kind: 'error',
      error: { code: 'invalid-query', message: 'Tableau could not run the query: Unknown Field: Foobar.', tableauCode: '400803' },
    });
    expect(JSON.stringify(out)).not.toContain('Error in query');
  });

  it('reports a result too large (400804) with a hint', async () => {
    const out = await collect(
      vdsToTyped(chunks('{"errorCode":"400804","message":"Response too large"}', 10), { columns: COLUMNS, returnFormat: 'OBJECTS' }),
    );
    expect(out.at(-1)).toMatchObject({
      kind: 'error',
      error: { code: 'result-too-large', tableauCode: '400804', hint: expect.stringMatching(/filter/) },
    });
  });

  it.each([
    ['a body cut inside the data', TRICKY_BODY.subarray(0, 120), /ended early/],
    ['an empty body', Buffer.from(''), /empty/],
    ['HTML instead of JSON', Buffer.from('<html>Bad gateway</html>'), /not valid JSON/],
    ['JSON without data', Buffer.from('{"foo":1}'), /no data/],
    ['a row of the wrong shape', Buffer.from('{"data":[["a",1]]}'), /unexpected shape/],
  ])('ends with an error for %s', async (_label, body, message) => {
    const out = await collect(vdsToTyped(chunks(body, 7), { columns: COLUMNS, returnFormat: 'ARRAYS' }));
    const last = out.at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.kind === 'error' && last.error.message).toMatch(message);
  });

  it('limit stops reading and says truncated', async () => {
    let chunksRead = 0;
    async function* counted() {
      for await (const c of vdsBody(20_000, false)) {
        chunksRead++;
        yield c;
      }
    }
    const out = await collect(vdsToTyped(counted(), { columns: BENCH_VDS_COLUMNS, returnFormat: 'ARRAYS', limit: 100 }));
    expect(rowsOf(out)).toHaveLength(100);
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 100, truncated: true });
    expect(chunksRead).toBeLessThan(3);
    const exact = await collect(vdsToTyped(chunks(TRICKY_BODY, 50), { columns: COLUMNS, returnFormat: 'OBJECTS', limit: 4 }));
    expect(exact.at(-1)).toEqual({ kind: 'end', rowCount: 4, truncated: false });
  });

  it('keeps values that do not fit their column as text and warns', async () => {
    const body = '{"data":[["x",1,"not a date","2024-01-01","maybe"]]}';
    const out = await collect(vdsToTyped(chunks(body, 100), { columns: COLUMNS, returnFormat: 'ARRAYS' }));
    expect(rowsOf(out)).toEqual([['x', 1, 'not a date', 45292, 'maybe']]);
    expect(out.at(-1)).toMatchObject({ kind: 'end', warnings: ['2 values did not match the column type and were kept as text'] });
  });
});

describe('vdsColumnSpec', () => {
  const spec = (dataType: VdsColumn['dataType'], fn?: string) => vdsColumnSpec({ key: 'k', caption: 'C', dataType, function: fn }, 'C');
  it('maps declared types and functions to Excel formats', () => {
    expect(spec('INTEGER', 'SUM')).toEqual({ name: 'C', type: 'integer', format: '#,##0' });
    expect(spec('INTEGER')).toEqual({ name: 'C', type: 'integer', format: 'General' });
    expect(spec('INTEGER', 'AVG')).toEqual({ name: 'C', type: 'decimal', format: '#,##0.00' });
    expect(spec('REAL', 'SUM')).toEqual({ name: 'C', type: 'decimal', format: '#,##0.00' });
    expect(spec('STRING', 'COUNTD')).toEqual({ name: 'C', type: 'integer', format: '#,##0' });
    expect(spec('REAL', 'COUNT')).toEqual({ name: 'C', type: 'integer', format: '#,##0' });
    expect(spec('DATE', 'YEAR')).toEqual({ name: 'C', type: 'integer', format: 'General' });
    expect(spec('DATETIME', 'MONTH')).toEqual({ name: 'C', type: 'integer', format: 'General' });
    expect(spec('DATE', 'TRUNC_MONTH')).toEqual({ name: 'C', type: 'date', format: 'yyyy-mm-dd' });
    expect(spec('DATETIME')).toEqual({ name: 'C', type: 'datetime', format: 'yyyy-mm-dd hh:mm:ss' });
    expect(spec('BOOLEAN')).toEqual({ name: 'C', type: 'boolean', format: 'General' });
    expect(spec('SPATIAL')).toEqual({ name: 'C', type: 'text', format: '@' });
    expect(spec('UNKNOWN')).toEqual({ name: 'C', type: 'text', format: '@' });
  });
});

describe('vdsToTyped memory', () => {
  it('streams 1,000,000 rows × 10 columns from a generator with bounded heap growth', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    let rows = 0;
    let batches = 0;
    for await (const msg of vdsToTyped(vdsBody(1_000_000, true), { columns: BENCH_VDS_COLUMNS, returnFormat: 'OBJECTS' })) {
      if (msg.kind === 'rows') {
        rows += msg.rows.length;
        if (++batches % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(rows).toBe(1_000_000);
    // The body is ~230 MB; holding it (or its parse) would blow far past this.
    expect((peak - base) / 1048576).toBeLessThan(256);
  }, 240_000);
});
