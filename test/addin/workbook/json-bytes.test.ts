import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { jsonUtf8Bytes, jsonUtf8BytesAtMost } from '../../../addin/workbook/json-bytes.js';

/** What the in-memory Excel measured before: the string, built and encoded. */
const byString = (v: unknown) => new TextEncoder().encode(JSON.stringify(v) ?? '').length;

describe('jsonUtf8Bytes (the in-memory Excel request size without the string)', () => {
  it('counts any double exactly as JSON writes it', () => {
    fc.assert(
      fc.property(fc.double(), (d) => jsonUtf8Bytes(d) === byString(d)),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (m) => jsonUtf8Bytes(m / 1e4) === byString(m / 1e4)),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 8 }), (m, k) => jsonUtf8Bytes(m / 10 ** k) === byString(m / 10 ** k)),
      { numRuns: 5_000 },
    );
    for (const v of [
      0,
      -0,
      1,
      -1,
      9,
      10,
      99,
      100,
      1e15,
      1e20,
      999999999999999900000,
      1e21,
      1.5,
      -0.0001,
      0.1 + 0.2,
      123456789.1234,
      5e-324,
    ])
      expect(jsonUtf8Bytes(v), String(v)).toBe(byString(v));
    expect(jsonUtf8Bytes([NaN, Infinity, -Infinity])).toBe(byString([NaN, Infinity, -Infinity]));
  });

  it('counts strings with their escapes and multi-byte characters, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => jsonUtf8Bytes(s) === byString(s)),
      { numRuns: 5_000 },
    );
    for (const s of ['', '"', '\\', '\u0000\b\t\n\f\r\u001f\u007f', 'é€😀', '\ud800', '\udc00x', '\ud800\ud800\udc00'])
      expect(jsonUtf8Bytes(s), JSON.stringify(s)).toBe(byString(s));
  });

  it('counts whole values as JSON.stringify writes them: members left out, toJSON, boxed values', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withObjectString: true }), (v) => {
        expect(jsonUtf8Bytes(v)).toBe(byString(v));
      }),
      { numRuns: 1_500 },
    );
    const proxy = { toJSON: () => ({}) };
    const request = [
      {
        op: 'values',
        sheet: 'Sheet1',
        address: 'A1:B2',
        values: [
          [1, 'x'],
          [null, true],
        ],
        skipped: undefined,
      },
      proxy,
    ];
    expect(jsonUtf8Bytes(request)).toBe(byString(request));
    expect(jsonUtf8Bytes({ f: () => 1, s: Symbol('s'), d: new Date(0), a: [undefined, () => 1] })).toBe(
      byString({ f: () => 1, s: Symbol('s'), d: new Date(0), a: [undefined, () => 1] }),
    );
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(jsonUtf8Bytes(deep)).toBe(byString(deep));
  });

  it('fails where JSON.stringify fails (a cycle, a BigInt)', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => jsonUtf8Bytes(cycle)).toThrow(TypeError);
    expect(() => jsonUtf8Bytes([1n])).toThrow(TypeError);
  });
});

describe('jsonUtf8BytesAtMost (the bound that spares the in-memory Excel the exact count)', () => {
  it('is never below the exact count, for any value', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withObjectString: true }), (v) => {
        expect(jsonUtf8BytesAtMost(v)).toBeGreaterThanOrEqual(byString(v));
      }),
      { numRuns: 1_500 },
    );
    // The numbers and strings that are longest as JSON, one a cell.
    const worst = [
      [-2147483648, -1.2345678901234567e-308, -0.0000012345678901234567, -123456789012345680000, NaN, -0],
      ['\u0000', '\ud800', '\udfff\u001f', '"\\', '😀€é', ''],
    ];
    for (const row of worst) for (const v of row) expect(jsonUtf8BytesAtMost([v]), String(v)).toBeGreaterThanOrEqual(byString([v]));
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.double(), fc.string({ unit: 'binary' }), fc.boolean(), fc.constant(null)))), (rows) => {
        expect(jsonUtf8BytesAtMost([{ op: 'values', values: rows }])).toBeGreaterThanOrEqual(byString([{ op: 'values', values: rows }]));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is the exact count outside arrays, and honours toJSON and depth as JSON.stringify does', () => {
    const request = { op: 'numberFormat', sheet: 'Sheet1', address: 'A1:B2', format: 'é', n: 1.25 };
    expect(jsonUtf8BytesAtMost(request)).toBe(byString(request));
    const row = Object.assign([1, 2], { toJSON: () => 'xy' });
    expect(jsonUtf8BytesAtMost([row])).toBe(byString([row]));
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(jsonUtf8BytesAtMost(deep)).toBeGreaterThanOrEqual(byString(deep));
    const cycle: unknown[] = [];
    cycle.push([cycle]);
    expect(() => jsonUtf8BytesAtMost(cycle)).toThrow(TypeError);
  });
});
