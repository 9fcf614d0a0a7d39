import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fromColumnar, toColumnar } from '../../../addin/api/columnar.js';
import { scanRowsLine } from '../../../addin/api/rows-scan.js';
import { chunkBytes, OP_OVERHEAD_BYTES } from '../../../addin/workbook/chunks.js';
import type { CellValue } from '../../../common/stream.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const line = (rows: unknown[]) => utf8(JSON.stringify({ kind: 'rows', rows }));
/** What the worker posted before the scan: the line decoded, parsed and made columnar. */
const viaParse = (bytes: Uint8Array, width: number) =>
  toColumnar((JSON.parse(new TextDecoder().decode(bytes)) as { rows: unknown[] }).rows, width);

/** Typed arrays compared element by element with Object.is (so -0 is not 0). */
function expectSame(a: ReturnType<typeof scanRowsLine>, b: ReturnType<typeof toColumnar>, rows?: readonly CellValue[][]): void {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  // Each row's JSON bytes as the chunk planner counts them (chunks.ts: a chunk of one row is the overhead, "[]" and the row with its comma).
  if (rows) expect([...a!.rowBytes!]).toEqual(rows.map((r) => chunkBytes([r]) - OP_OVERHEAD_BYTES - 2));
  expect({ rows: a!.rows, width: a!.width, strings: a!.strings }).toEqual({ rows: b!.rows, width: b!.width, strings: b!.strings });
  expect(a!.kinds).toEqual(b!.kinds);
  expect(a!.slots.length).toBe(b!.slots.length);
  const differ = [...a!.slots].flatMap((v, i) => (Object.is(v, b!.slots[i]) ? [] : [`slot ${i}: ${v} vs ${b!.slots[i]}`]));
  expect(differ).toEqual([]);
}

const number = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e12, max: 1e12 }).map((m) => m / 10_000),
  fc.integer({ min: -1e15, max: 1e15 }).chain((m) => fc.integer({ min: 0, max: 22 }).map((k) => m / 10 ** k)),
  fc.constantFrom(0, -0, 1e21, 123456789012345, 1234567890123456, 2 ** 53 + 2, 5e-324, 0.1, 2.5e-7),
);
/** Strings without escapes in JSON (the scan's own path) and any string (escapes send the line to JSON.parse). */
const plainString = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '0', ']', '}', ',', '[', 'é', 'Ä', '日', '😀', '\u007f') });
const cell: fc.Arbitrary<CellValue> = fc.oneof(number, plainString, fc.string({ unit: 'binary' }), fc.boolean(), fc.constant(null));

describe('scanRowsLine', () => {
  it('gives exactly what JSON.parse and toColumnar give, for any rows JSON.stringify writes', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((w) => fc.tuple(fc.constant(w), fc.array(fc.array(cell, { minLength: w, maxLength: w }), { maxLength: 30 }))),
        ([width, rows]) => {
          const bytes = line(rows);
          const scanned = scanRowsLine(bytes, width);
          const parsed = viaParse(bytes, width);
          // Whatever JSON.stringify writes (escapes too) is read by the scan itself.
          expectSame(scanned, parsed, rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a column whose rows repeat, extend or shorten the string above them as JSON.parse does', () => {
    // A few strings, each a prefix of another, with escapes and multi-byte characters: the scan's
    // "same as the row above" path meets every case of a near match.
    const pool = fc.constantFrom(
      '',
      'a',
      'ab',
      'abc',
      'ab"',
      'ab\\',
      'a\nb',
      'é',
      'éé',
      'e\u0301',
      '😀',
      'ab😀',
      'abc ',
      'US-2021-1',
      'US-2021-10',
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((w) =>
            fc.tuple(
              fc.constant(w),
              fc.array(fc.array(fc.oneof(pool, pool, fc.constant(null), number), { minLength: w, maxLength: w }), { maxLength: 40 }),
            ),
          ),
        ([width, rows]) => {
          const bytes = line(rows);
          expectSame(scanRowsLine(bytes, width), viaParse(bytes, width), rows);
        },
      ),
      { numRuns: 400 },
    );
    // One spelled two ways in the same column, one row after the other: two strings, each its value.
    const text = String.raw`{"kind":"rows","rows":[["é"],["é"],["é"],["éx"],["é"]]}`;
    const scanned = scanRowsLine(utf8(text), 1)!;
    expect(fromColumnar(scanned)).toEqual([['é'], ['é'], ['é'], ['éx'], ['é']]);
    expectSame(scanned, viaParse(utf8(text), 1));
  });

  it('reads the rows of a typical pull (many distinct strings, repeated ones, decimals, dates, empty cells)', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => [
      i + 1,
      `CA-2021-${100000 + (i >> 1)}`,
      44197 + (i % 1461),
      ['Maria Rossi', 'Zoë Ärger', "Sean O'Donnell"][i % 3],
      i % 7 === 0 ? null : Math.round(i * 37.77) / 100,
      -((i % 50) / 100),
      i % 2 === 0,
    ]);
    const bytes = line(rows);
    const scanned = scanRowsLine(bytes, 7);
    expectSame(scanned, viaParse(bytes, 7), rows);
    expect(scanned!.strings.length).toBe(3000 + 3);
  });

  it('numbers off the fast path (exponents, more than 15 digits) read as JSON.parse reads them', () => {
    const text = '{"kind":"rows","rows":[[1e21,-2.5E-7,12345678901234567890,0.30000000000000004,-0,0]]}';
    expectSame(scanRowsLine(utf8(text), 6), viaParse(utf8(text), 6), [
      [1e21, -2.5e-7, Number('12345678901234567890'), 0.30000000000000004, -0, 0],
    ]);
    expect(Object.is(scanRowsLine(utf8(text), 6)!.slots[4], -0)).toBe(true);
  });

  it('reads strings with escapes; one spelled two ways keeps its value', () => {
    const text = String.raw`{"kind":"rows","rows":[["a\"b\\c\n","\u00e9"],["é","a\"b\\c\n"]]}`;
    const scanned = scanRowsLine(utf8(text), 2)!;
    expect(fromColumnar(scanned)).toEqual([
      ['a"b\\c\n', 'é'],
      ['é', 'a"b\\c\n'],
    ]);
    expect([...scanned.rowBytes!]).toEqual([
      utf8(JSON.stringify(['a"b\\c\n', 'é'])).length + 1,
      utf8(JSON.stringify(['é', 'a"b\\c\n'])).length + 1,
    ]);
  });

  it('counts a row by what JSON.stringify writes, not by how the line spells it', () => {
    const text = '{"kind":"rows","rows":[[1.50,-0,0.0000001,100,"Zoë",1E2,2.0e0]]}';
    const rows = [[1.5, -0, 1e-7, 100, 'Zoë', 100, 2]];
    expectSame(scanRowsLine(utf8(text), 7), viaParse(utf8(text), 7), rows);
    expect(scanRowsLine(utf8(text), 7)!.rowBytes![0]).toBe(JSON.stringify(rows[0]).length + 1 + 1); // ë: 2 bytes; the comma
  });

  it.each([
    ['whitespace', '{"kind":"rows","rows":[[1, 2]]}'],
    ['another member order', '{"rows":[[1,2]],"kind":"rows"}'],
    ['a row of another width', '{"kind":"rows","rows":[[1,2,3]]}'],
    ['a bad escape', '{"kind":"rows","rows":[["a\\xb",2]]}'],
    ['an escape at the end of the line', '{"kind":"rows","rows":[["a\\]]}'],
    ['a leading zero (not JSON)', '{"kind":"rows","rows":[[01,2]]}'],
    ['a bare dot (not JSON)', '{"kind":"rows","rows":[[1.,2]]}'],
    ['a bad literal', '{"kind":"rows","rows":[[tru,2]]}'],
    ['a bad exponent', '{"kind":"rows","rows":[[1e+,2]]}'],
    ['an unterminated string', '{"kind":"rows","rows":[["ab,2]]}'],
    ['a trailing member', '{"kind":"rows","rows":[[1,2]],"x":[]}'],
    ['a CR at the end', '{"kind":"rows","rows":[[1,2]]}\r'],
  ])('leaves %s to JSON.parse', (_, text) => {
    expect(scanRowsLine(utf8(text), 2)).toBeNull();
  });

  it('reads an empty batch', () => {
    expect(scanRowsLine(utf8('{"kind":"rows","rows":[]}'), 3)).toEqual({
      rows: 0,
      width: 3,
      kinds: new Uint8Array(0),
      slots: new Float64Array(0),
      strings: [],
      rowBytes: new Uint32Array(0),
    });
  });
});
