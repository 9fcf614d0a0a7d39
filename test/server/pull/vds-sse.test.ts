/**
 * VDS Server-Sent Events → typed stream (server/pull/vds-sse.ts): the frames Tableau documents
 * (vds_create_queries.html "Server-sent event support": METADATA, DATA…, ERROR), cut anywhere by the
 * network, and the two ways such a stream fails: an ERROR event, or a body that ends early.
 */
import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
import type { VdsColumn } from '../../../server/pull/vds-columns.js';
import { vdsSseToTyped } from '../../../server/pull/vds-sse.js';
import { vdsToTyped } from '../../../server/pull/vds-typed.js';
import { chunks, collect, rowsOf } from './helpers.js';

const COLUMNS: VdsColumn[] = [
  { key: 'Region', caption: 'Region', dataType: 'STRING' },
  { key: 'Order Date', caption: 'Order Date', dataType: 'DATE' },
  { key: 'SUM(Sales)', caption: 'Sales', dataType: 'REAL', function: 'SUM' },
];
const ROWS = [
  ['East', '2024-01-05', 10.5],
  ['Wést 日本 😀', '2024-02-29', -1],
  ['a "quoted" \\ one\ndata: not a field', null, 0],
  [null, '1900-01-01', 1e-7],
  ['North', '2025-12-31', 123456.75],
];
const OPTS = { columns: COLUMNS, returnFormat: 'ARRAYS' as const };

const event = (json: unknown, eol = '\n') => `data: ${JSON.stringify(json)}${eol}${eol}`;
const metadata = (rowCount: number) => event({ event: 'METADATA', data: { rowCount } });
const data = (rows: unknown[]) => event({ event: 'DATA', data: rows });
/** The documented answer: METADATA, then DATA events of 2, 2 and 1 rows. */
const STREAM = metadata(5) + data(ROWS.slice(0, 2)) + data(ROWS.slice(2, 4)) + data(ROWS.slice(4));

function errorOf(messages: StreamMessage[]) {
  const last = messages.at(-1)!;
  if (last.kind !== 'error') throw new Error(`expected an error, got ${last.kind}`);
  return last.error;
}

describe('vdsSseToTyped', () => {
  it('gives the same messages as the JSON body of the same rows', async () => {
    const sse = await collect(vdsSseToTyped(chunks(STREAM, 1 << 20), OPTS));
    const json = await collect(vdsToTyped(chunks(JSON.stringify({ data: ROWS }), 1 << 20), OPTS));
    expect(rowsOf(sse)).toEqual(rowsOf(json));
    expect(sse.at(-1)).toEqual(json.at(-1));
    expect(sse.at(-1)).toMatchObject({ kind: 'end', rowCount: 5, truncated: false });
    expect(sse[0]).toEqual(json[0]);
  });

  it.each([1, 2, 3, 7, 64])('reads frames split every %i bytes (mid-line, mid-character, between the two newlines)', async (size) => {
    const out = await collect(vdsSseToTyped(chunks(STREAM, size), OPTS));
    expect(out.at(-1)).toMatchObject({ kind: 'end', rowCount: 5 });
    expect(rowsOf(out).map((r) => r[0])).toEqual(ROWS.map((r) => r[0]));
  });

  it('reads CRLF line ends, comments, an event: field, one event over several data: lines, and skips unknown events', async () => {
    const rows = JSON.stringify({ event: 'DATA', data: ROWS.slice(0, 2) });
    // Lines are joined with "\n", which JSON reads as whitespace between two tokens.
    const cut = rows.indexOf('"data"');
    const text =
      ': keep-alive\r\n\r\n' +
      metadata(2).replace(/\n/g, '\r\n') +
      'event: message\r\nid: 7\r\n' +
      `data: ${rows.slice(0, cut)}\r\ndata: ${rows.slice(cut)}\r\n\r\n` +
      event({ event: 'PROGRESS', data: { percent: 50 } });
    const out = await collect(vdsSseToTyped(chunks(text, 5), OPTS));
    expect(out.at(-1)).toMatchObject({ kind: 'end', rowCount: 2 });
    expect(rowsOf(out)).toHaveLength(2);
  });

  it('reads DATA events laid out otherwise: keys in another order, spaces, a key after the rows', async () => {
    const rows = JSON.stringify(ROWS.slice(0, 2));
    const text =
      metadata(5) +
      `data: {"data":${rows},"event":"DATA"}\n\n` +
      `data: { "event" : "DATA" , "data" : ${JSON.stringify(ROWS.slice(2, 4), null, 1).replace(/\n/g, ' ')} }\n\n` +
      `data: {"event":"DATA","data":${JSON.stringify(ROWS.slice(4))},"more":{"data":[1]}}\n\n`;
    const out = await collect(vdsSseToTyped(chunks(text, 13), OPTS));
    const json = await collect(vdsToTyped(chunks(JSON.stringify({ data: ROWS }), 1 << 20), OPTS));
    expect(rowsOf(out)).toEqual(rowsOf(json));
    expect(out.at(-1)).toMatchObject({ kind: 'end', rowCount: 5 });
  });

  it('sends a full batch of rows while the rest of the stream has not come yet', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = Array.from({ length: 5_000 }, () => ROWS[0]);
    async function* body() {
      yield Buffer.from(metadata(5_001) + data(first));
      await gate;
      yield Buffer.from(data(ROWS.slice(1, 2)));
    }
    const it = vdsSseToTyped(body(), OPTS);
    expect((await it.next()).value).toMatchObject({ kind: 'meta' });
    expect((await it.next()).value).toEqual({
      kind: 'progress',
      stage: 'vds-rows',
      message: 'Tableau is sending 5,001 rows',
      totalRows: 5001,
    });
    const tooLate = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000));
    const next = await Promise.race([it.next(), tooLate]);
    expect(next).toMatchObject({ value: { kind: 'rows' } });
    release();
    const rest: StreamMessage[] = [];
    for await (const m of it) rest.push(m);
    expect(rest.at(-1)).toMatchObject({ kind: 'end', rowCount: 5_001 });
  });

  it('fails with Tableau named and the rows counted when an ERROR event comes mid-stream', async () => {
    const text =
      metadata(1921) +
      data(ROWS.slice(0, 2)) +
      event({ event: 'ERROR', data: { errorCode: '500000', datetime: '2025-10-30T22:33:15.3807749Z', debug: null } });
    const out = await collect(vdsSseToTyped(chunks(text, 9), OPTS));
    const error = errorOf(out);
    expect(error.message).toBe('Tableau failed while sending the result after 2 of 1,921 rows; the previous data in your table is kept.');
    expect(error).toMatchObject({ code: 'vds-error', tableauCode: '500000' });
    expect(out.some((m) => m.kind === 'end')).toBe(false);
  });

  it('passes on Tableau’s own words and hint for a known code (a timeout mid-stream)', async () => {
    const text =
      metadata(10) + data(ROWS.slice(0, 1)) + event({ event: 'ERROR', data: { errorCode: '408000', message: 'Query timed out' } });
    const error = errorOf(await collect(vdsSseToTyped(chunks(text, 100), OPTS)));
    expect(error).toMatchObject({ code: 'timeout', tableauCode: '408000', hint: 'Add a filter so the query runs faster' });
    expect(error.message).toContain('after 1 of 10 rows: Query timed out;');
  });

  it.each([
    ['after a whole event', metadata(5) + data(ROWS.slice(0, 2))],
    [
      'in the middle of an event (the part is dropped, as the standard says)',
      metadata(5) + data(ROWS.slice(0, 2)) + data(ROWS.slice(2)).slice(0, 30),
    ],
    ['before the blank line that ends the last event', STREAM.slice(0, -1)],
  ])('treats a stream cut %s as a failure, not a short table', async (_, text) => {
    const out = await collect(vdsSseToTyped(chunks(text, 11), OPTS));
    const error = errorOf(out);
    expect(error.code).toBe('stream-interrupted');
    expect(error.message).toMatch(/^Tableau cut the data stream after \d of 5 rows; the previous data in your table is kept/);
    expect(out.some((m) => m.kind === 'end')).toBe(false);
  });

  it('refuses streams that cannot be checked: no row count, rows before it, more rows than announced', async () => {
    const cases = [
      ['', /before saying how many rows/],
      [data(ROWS), /rows before saying how many/],
      [metadata(2) + data(ROWS.slice(0, 3)), /sent 3 rows after announcing 2/],
      [event({ event: 'METADATA', data: {} }), /without a valid row count/],
      ['{"data":[["East","2024-01-05",1]]}', /before saying how many rows/],
      ['data: {"event":"DATA","data":[1,\n\n', /not valid VizQL Data Service JSON/],
      [metadata(1) + 'data: {"event":"DATA","data":[["East","2024-01-05",tru]]}\n\n', /not valid VizQL Data Service JSON/],
    ] as const;
    for (const [text, message] of cases) {
      const error = errorOf(await collect(vdsSseToTyped(chunks(text || ' ', 4), OPTS)));
      expect(error.code).toBe('bad-response');
      expect(error.message).toMatch(message);
    }
  });

  it('tells the row count as progress at once, unless it is over our own row limit', async () => {
    const progress = async (limit?: number) =>
      (await collect(vdsSseToTyped(chunks(STREAM, 50), { ...OPTS, limit }))).filter((m) => m.kind === 'progress');
    expect(await progress()).toEqual([{ kind: 'progress', stage: 'vds-rows', message: 'Tableau is sending 5 rows', totalRows: 5 }]);
    expect(await progress(5)).toHaveLength(1);
    expect(await progress(4)).toEqual([]);
  });

  it('stops reading at the row limit and says the result was cut', async () => {
    let served = 0;
    async function* body() {
      yield Buffer.from(metadata(5_001));
      for (let i = 0; i < 5_000; i += 100) {
        served++;
        yield Buffer.from(data(Array.from({ length: 100 }, () => ROWS[0])));
      }
    }
    const out = await collect(vdsSseToTyped(body(), { ...OPTS, limit: 150 }));
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 150, truncated: true });
    expect(served).toBeLessThan(5);
  });

  it("says the whole result's size at a cut end only when no rowLimit went to Tableau (countsWhole)", async () => {
    const stream = metadata(5) + data(ROWS.slice(0, 2)) + data(ROWS.slice(2));
    const counted = await collect(vdsSseToTyped(chunks(stream, 7), { ...OPTS, limit: 2, countsWhole: true }));
    expect(counted.at(-1)).toEqual({ kind: 'end', rowCount: 2, truncated: true, totalRows: 5 });
    const capped = await collect(vdsSseToTyped(chunks(stream, 7), { ...OPTS, limit: 2 }));
    expect(capped.at(-1)).toEqual({ kind: 'end', rowCount: 2, truncated: true });
    // Not cut: rowCount is the total, nothing more to say.
    const whole = await collect(vdsSseToTyped(chunks(stream, 7), { ...OPTS, limit: 10, countsWhole: true }));
    expect(whole.at(-1)).toEqual({ kind: 'end', rowCount: 5, truncated: false });
  });
});
