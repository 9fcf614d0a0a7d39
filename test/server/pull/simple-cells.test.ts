/**
 * The fast paths of ColumnStats.take (server/pull/infer/simple-cells.ts) against the full scans they
 * stand in for (`takeFull`: number-scan.ts, date-scan.ts): on generated view-CSV cells of every
 * kind — plain, grouped, currency, percent and German numbers, negatives with a minus or in
 * parentheses, dates in each separator and order, booleans, empties, near-numbers — every value and
 * every statistic the plan is made from must come out the same, cell by cell.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

import { excelSerial, isValidDate } from '../../../common/typed-values.js';
import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { ColumnStats, newHints } from '../../../server/pull/infer/column-stats.js';
import { convertCell } from '../../../server/pull/infer/convert.js';
import { dt, F_ABY, F_MONTH_YEAR, scanDate } from '../../../server/pull/infer/date-scan.js';
import {
  num,
  numberValue,
  readStyle,
  scanNumber,
  STYLE_COMMA_DECIMAL,
  STYLE_DOT_DECIMAL,
  styled,
} from '../../../server/pull/infer/number-scan.js';
import { type ColumnPlan, K_DATE, K_NUMBER } from '../../../server/pull/infer/plan.js';
import { scanSimpleNumber, simple } from '../../../server/pull/infer/simple-cells.js';
import { TableTyper } from '../../../server/pull/infer/table-typer.js';
import { isoText } from '../../../server/pull/precision.js';

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));

/** An integer part, grouped by threes with `group` (sometimes wrongly) or not grouped. */
const integerPart = (group: string) =>
  fc.oneof(
    digits(1, 7),
    fc
      .tuple(
        digits(1, 3),
        fc.array(fc.oneof({ weight: 8, arbitrary: digits(3, 3) }, { weight: 1, arbitrary: digits(1, 4) }), { maxLength: 4 }),
      )
      .map(([head, groups]) => [head, ...groups].join(group)),
  );

/** Numbers as a view writes them in one style, with the odd form Tableau also writes (parentheses, suffix symbols, spaces). */
const styledNumber = (group: string, decimal: string) =>
  fc
    .record({
      int: integerPart(group),
      fraction: fc.option(digits(1, 4), { nil: undefined }),
      sign: fc.constantFrom('', '', '', '-', '+', '\u2212', '('),
      symbol: fc.constantFrom('', '', '', '$', '€', '£', '¥', '₹', '%', ' %', ' €', '€ ', '$-', ' $'),
    })
    .map(({ int, fraction, sign, symbol }) => {
      const body = fraction === undefined ? int : `${int}${decimal}${fraction}`;
      const suffix = symbol === '%' || symbol.startsWith(' ');
      const prefixed = suffix ? `${body}${symbol}` : `${symbol}${body}`;
      return sign === '(' ? `(${prefixed})` : `${sign}${prefixed}`;
    });

const date = fc
  .record({
    a: fc.integer({ min: 0, max: 32 }),
    b: fc.integer({ min: 0, max: 13 }),
    year: fc.integer({ min: 1850, max: 2100 }),
    sep: fc.constantFrom('/', '/', '-', '.'),
    pad: fc.boolean(),
    tail: fc.constantFrom('', '', '', ' 13:45:00', ' 1:05 PM', 'x'),
    twoDigitYear: fc.boolean(),
  })
  .map(({ a, b, year, sep, pad, tail, twoDigitYear }) => {
    const p = (n: number) => (pad ? String(n).padStart(2, '0') : String(n));
    return `${p(a)}${sep}${p(b)}${sep}${twoDigitYear ? String(year % 100).padStart(2, '0') : year}${tail}`;
  });

const otherCell = fc.oneof(
  fc.constantFrom('', '', 'True', 'false', 'Wahr', 'N/A', '02134', '007', '0', '0.0', '-0', '2024-01-05', 'January 2024', '1e5', '1,5'),
  digits(16, 20),
  fc.stringMatching(/^[0-9.,$%\-() €']{1,9}$/),
);

/** A column of one kind, with a few cells of other kinds among them (the fast path's fallbacks). */
const column = fc
  .constantFrom(styledNumber(',', '.'), styledNumber('.', ','), styledNumber(' ', ','), styledNumber("'", '.'), digits(1, 6), date)
  .chain((kind) =>
    fc.array(fc.oneof({ weight: 12, arbitrary: kind }, { weight: 1, arbitrary: otherCell }, { weight: 1, arbitrary: date }), {
      minLength: 1,
      maxLength: 40,
    }),
  );

/**
 * Everything a ColumnStats holds that the plan, the redo and the warnings read (not which fast path
 * it tries next, nor `number`, where `takeFast` leaves the value it returns).
 */
function state(st: ColumnStats): unknown {
  const { fast, fastDateSep, number, ...rest } = st as unknown as Record<string, unknown>;
  void fast;
  void fastDateSep;
  void number;
  return rest;
}

describe('scanSimpleNumber reads what scanNumber + readStyle read', () => {
  it('accepts only numbers the full scan accepts, with the same sign, symbol, digits and reading in both styles', () => {
    const cell = fc.oneof(styledNumber(',', '.'), styledNumber('.', ','), otherCell, date);
    fc.assert(
      fc.property(cell, (s) => {
        if (!scanSimpleNumber(s)) return;
        expect(scanNumber(s)).toBe(true);
        expect(num.leadingZero).toBe(false);
        expect({ neg: simple.neg, percent: simple.percent, currency: simple.currency, mantissa: simple.mantissa }).toEqual({
          neg: num.neg,
          percent: num.percent,
          currency: num.currency,
          mantissa: num.mantissa,
        });
        expect(num.parens || num.spaced || num.currencySuffix).toBe(false);
        for (const [style, reading] of [
          [STYLE_DOT_DECIMAL, simple.dot],
          [STYLE_COMMA_DECIMAL, simple.comma],
        ] as const) {
          const valid = readStyle(style);
          expect(reading.valid).toBe(valid);
          if (valid) expect(reading).toEqual({ valid, decimals: styled.decimals, grouped: styled.grouped, intDigits: styled.intDigits });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the common shapes itself (so the fast path is taken at all)', () => {
    for (const s of ['1', '1,066', '$10,933.97', '-$36.37', '20.0%', '1.234,56', '€5', '0.5']) expect(scanSimpleNumber(s)).toBe(true);
    for (const s of ['02134', '($5)', '1 234,56', "1'234.5", '+5', '5 €', '$-5', '1234567890123456'])
      expect(scanSimpleNumber(s)).toBe(false);
  });
});

describe('ColumnStats.take (fast paths) = takeFull (full scans)', () => {
  it('gives the same value and the same statistics after every cell of a column', () => {
    fc.assert(
      fc.property(column, fc.constantFrom(null, true, false), fc.constantFrom(null, true, false), (cells, fixedComma, fixedDayFirst) => {
        const fastHints = { ...newHints(), fixedComma, fixedDayFirst };
        const fullHints = { ...newHints(), fixedComma, fixedDayFirst };
        const fast = new ColumnStats(fastHints);
        const full = new ColumnStats(fullHints);
        for (const s of cells) {
          expect(fast.take(s)).toBe(full.takeFull(s)); // Object.is: -0 is not 0
          expect(state(fast)).toEqual(state(full));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('takes the fast path on a column of the bench export’s shapes, and its values are those of the full converter', () => {
    const rows = Array.from({ length: 300 }, (_, i) => {
      const sales = (((i * 7919) % 200000) / 100).toFixed(2);
      const grouped = Number(sales).toLocaleString('en-US', { minimumFractionDigits: 2 });
      const money = i % 5 === 0 ? `"-$${grouped}"` : `"$${grouped}"`;
      return `"${(i + 1).toLocaleString('en-US')}",${(i % 12) + 1}/${(i % 28) + 1}/2024,${money},${(i % 9) * 10}.0%,${i % 14}`;
    });
    const csv = ['Row ID,Order Date,Sales,Discount,Quantity', ...rows].join('\n') + '\n';
    const fullReads = vi.spyOn(ColumnStats.prototype, 'takeFull');
    const t = csvTextToTypedColumns(csv);
    expect(fullReads.mock.calls.length).toBeLessThan(rows.length); // of 1,500 cells: the first of each column, the odd one out
    fullReads.mockRestore();
    expect(t.columns.map((c) => c.type)).toEqual(['integer', 'date', 'currency', 'percentage', 'integer']);
    // The full converter over the final plans (what the streaming path writes) gives every value.
    const typer = new TableTyper(csv.split('\n')[0].split(','));
    const cells = rows.map((r) => r.match(/"[^"]*"|[^,]+/g)!.map((c) => c.replace(/^"|"$/g, '')));
    for (const row of cells) for (let j = 0; j < row.length; j++) typer.stats[j].takeFull(row[j]);
    const table = typer.finish();
    expect(table.columns).toEqual(t.columns);
    cells.forEach((row, r) => row.forEach((cell, j) => expect(t.values[j][r]).toBe(convertCell(table.plans[j], cell))));
  });
});

/**
 * convertCell before its fast paths: every number and date read by the full scans (number-scan.ts,
 * date-scan.ts), as convert.ts did it.
 */
function convertFull(plan: ColumnPlan, s: string): unknown {
  if (s.length === 0) return null;
  if (plan.kind === K_NUMBER) {
    if (!scanNumber(s) || !readStyle(plan.style)) return s;
    if (styled.significant > 15) return s;
    return numberValue(s, styled.decimals);
  }
  if (!scanDate(s)) return s;
  let m = dt.a;
  let d = dt.b;
  if (dt.family === F_ABY && plan.dayFirst) [m, d] = [dt.b, dt.a];
  else if (dt.family === F_MONTH_YEAR) d = 1;
  const serial = excelSerial(dt.year, m, d, dt.h, dt.mi, dt.sec);
  if (serial === serial) return serial;
  return dt.year >= 1 && dt.year < 1900 && isValidDate(dt.year, m, d) ? isoText(dt.year, m, d, dt.h, dt.mi, dt.sec) : s;
}

describe('convertCell (the streaming pass’s converter, fast paths first) = the full scans', () => {
  it('gives the same value for every cell under every number and date plan', () => {
    const cell = fc.oneof(styledNumber(',', '.'), styledNumber('.', ','), otherCell, date, digits(1, 6));
    const plan = fc.record({
      kind: fc.constantFrom(K_NUMBER, K_DATE),
      style: fc.constantFrom(STYLE_DOT_DECIMAL, STYLE_COMMA_DECIMAL),
      dayFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(cell, plan, (s, p) => {
        const full = { spec: { name: 'c', type: 'text', format: '@' }, ...p } as ColumnPlan;
        expect({ s, value: convertCell(full, s) }).toEqual({ s, value: convertFull(full, s) });
        expect(Object.is(convertCell(full, s), convertFull(full, s))).toBe(true); // -0 is not 0
      }),
      { numRuns: 5000 },
    );
  });
});
