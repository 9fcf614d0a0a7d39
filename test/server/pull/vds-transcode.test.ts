import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
import { encodedRowsMessage, encodeLine, rowCountOf } from '../../../server/pull/encoded-rows.js';
import type { VdsColumn } from '../../../server/pull/vds-columns.js';
import { dateMemo, transcodeArrays } from '../../../server/pull/vds-transcode.js';
import { vdsToTyped } from '../../../server/pull/vds-typed.js';
import { convertVdsValue, V_BOOL, V_DATE, V_NUMBER, V_TEXT } from '../../../server/pull/vds-values.js';

const kinds = [V_NUMBER, V_TEXT, V_DATE, V_BOOL];
/** The general path: JSON.parse + convertVdsValue, the reference the fast path must match. */
const reference = (text: string) =>
  (JSON.parse(text) as unknown[][]).map((r) => r.map((v, j) => convertVdsValue(kinds[j], v, { count: 0 })));

describe('transcodeArrays', () => {
  it.each([
    '[]',
    '[[1,"a","2024-01-05",true]]',
    '[[-1.5e3,"x\\"y\\u00e9","2024-01-05T13:30:00",false],[null,null,null,null],[0,"","",true]]',
    '[[7,"日本","1999-12-31",null],[8,"b","2024-02-29 06:00:00",false]]',
    '[[1,"a\\\\","2024-01-05",true],[2,"b\\"c","2024-01-06",false],[3,"plain","2024-01-07",true],[4,"\\\\\\"","2023-12-31",null]]',
  ])('matches the general path for %s', (text) => {
    const out = transcodeArrays(text, kinds, dateMemo())!;
    expect(out).toBeDefined();
    expect(JSON.parse(out.json)).toEqual(reference(text));
    expect(out.count).toBe(reference(text).length);
  });

  it.each([
    ['a number sent as text', '[["1","a","2024-01-05",true]]'],
    ['a number in a text column', '[[1,2,"2024-01-05",true]]'],
    ['a date that is not a date', '[[1,"a","soon",true]]'],
    ['a boolean sent as text', '[[1,"a","2024-01-05","true"]]'],
    ['a nested value', '[[1,["a"],"2024-01-05",true]]'],
    ['whitespace (could be a newline, breaking NDJSON)', '[[1,"a","2024-01-05",true],\n[2,"b","2024-01-06",false]]'],
    ['a short row', '[[1,"a","2024-01-05"]]'],
    ['a long row', '[[1,"a","2024-01-05",true,5]]'],
  ])('leaves %s to the general path', (_what, text) => {
    expect(transcodeArrays(text, kinds, dateMemo())).toBeUndefined();
  });
});

describe('encoded rows messages', () => {
  it('count and encode without parsing, and parse when read', () => {
    const m = encodedRowsMessage('[[1,"a"],[2,"b"]]', 2);
    expect(rowCountOf(m)).toBe(2);
    expect(JSON.parse(encodeLine(m))).toEqual({
      kind: 'rows',
      rows: [
        [1, 'a'],
        [2, 'b'],
      ],
    });
    expect(m.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(rowCountOf({ kind: 'rows', rows: [[1]] })).toBe(1);
  });
});

describe('vdsToTyped with the fast path', () => {
  const columns: VdsColumn[] = [
    { key: 'n', caption: 'n', dataType: 'INTEGER' },
    { key: 't', caption: 't', dataType: 'STRING' },
    { key: 'd', caption: 'd', dataType: 'DATE' },
  ];
  const run = async (chunks: string[]) => {
    const out: StreamMessage[] = [];
    for await (const m of vdsToTyped(
      (async function* () {
        yield* chunks.map((c) => Buffer.from(c));
      })(),
      { columns, returnFormat: 'ARRAYS' },
    ))
      out.push(m);
    return out;
  };

  it('keeps rows in order across fast and general slices, with the same values and misfit count', async () => {
    const messages = await run([
      '{"data":[[1,"a","2024-01-05"],[2,"b",',
      '"2024-01-06"],["3","c","2024-01-07"],[4,"d","someday"],',
      '[5,"e","2024-01-09"]]}',
    ]);
    const lines = messages.map((m) => JSON.parse(encodeLine(m)) as StreamMessage);
    const rows = lines.flatMap((m) => (m.kind === 'rows' ? m.rows : []));
    expect(rows).toEqual([
      [1, 'a', 45296],
      [2, 'b', 45297],
      [3, 'c', 45298],
      [4, 'd', 'someday'],
      [5, 'e', 45300],
    ]);
    expect(lines.at(-1)).toMatchObject({ kind: 'end', rowCount: 5, warnings: [expect.stringContaining('1 value')] });
  });
});
