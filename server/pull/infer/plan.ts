/**
 * Turns a column's statistics into its type, Excel format and the recipe to convert its cells.
 *
 * Measure Values rule: Tableau's "Measure Values" column mixes every measure's own format in one
 * column ("311,783.644", "14.4%", "$45,047", 438 — tableau-server-client populate_csv.csv). It
 * becomes numeric when every value parses as a number in the file's locale, with format "General"
 * (no single format fits all measures); percents become fractions (14.4% → 0.144) and currency
 * symbols are dropped. The same rule applies to any column whose numbers mix plain, currency and
 * percent values or different currency symbols. Otherwise it stays text.
 */
import type { ColumnSpec, ColumnType } from '../../../common/stream.js';
import { type ColumnStats, KIND_CURRENCY, KIND_PERCENT, KIND_PLAIN, P_BOOL, P_DATE, P_NUMBER, type StyleStats } from './column-stats.js';
import { F_ABY } from './date-scan.js';
import { currencyFormat, dateFormat, numberBody, percentFormat, plainFormat } from './formats.js';
import type { LocaleRule } from './locale.js';
import { type SeparatorStyle, STYLE_DOT_DECIMAL } from './number-scan.js';

const K_TEXT = 0;
export const K_NUMBER = 1,
  K_DATE = 2,
  K_BOOL = 3;

export interface ColumnPlan {
  spec: ColumnSpec;
  kind: number;
  style: SeparatorStyle;
  dayFirst: boolean;
}

/** Header captions of the Measure Values pivot column in Tableau's UI languages. */
const MEASURE_VALUES = new Set([
  'measure values',
  'measurewerte',
  'valeurs de mesure',
  'valores de medida',
  'valori misura',
  'meetwaarden',
]);

function isMeasureValuesName(name: string): boolean {
  return MEASURE_VALUES.has(name.trim().toLowerCase());
}

export function planColumn(name: string, st: ColumnStats, locale: LocaleRule): ColumnPlan {
  const text: ColumnPlan = { spec: { name, type: 'text', format: '@' }, kind: K_TEXT, style: locale.style, dayFirst: false };
  if (st.nonEmpty === 0) return text;
  if (st.possible === P_NUMBER) {
    const ss: StyleStats = locale.style === STYLE_DOT_DECIMAL ? st.dot : st.comma;
    if (!ss.ok) return text;
    return { spec: numberSpec(name, st, ss), kind: K_NUMBER, style: locale.style, dayFirst: false };
  }
  // A "date" column of dates none of which Excel can hold (all before 1900) is text as written.
  if (st.possible === P_DATE && st.earlyDates < st.nonEmpty) {
    const aby = (st.dateShape & 7) === F_ABY;
    // Data that rules one order out decides; otherwise the locale's order does.
    const dayFirst = aby && (!st.okMdy || (st.okDmy && locale.dateOrder === 'dmy'));
    const withTime = st.withTime > 0;
    const format = dateFormat({
      shape: st.dateShape,
      padded: st.datePadded,
      dayFirst,
      withTime,
      timeShape: st.timeShape,
      fractionDigits: st.fractionDigits,
    });
    return { spec: { name, type: withTime ? 'datetime' : 'date', format }, kind: K_DATE, style: locale.style, dayFirst };
  }
  if (st.possible === P_BOOL) {
    return { spec: { name, type: 'boolean', format: 'General' }, kind: K_BOOL, style: locale.style, dayFirst: false };
  }
  return text;
}

function numberSpec(name: string, st: ColumnStats, ss: StyleStats): ColumnSpec {
  const mixed = (st.kinds !== KIND_PLAIN && st.kinds !== KIND_CURRENCY && st.kinds !== KIND_PERCENT) || st.currencyMixed;
  const integral = ss.decimals === 0 && st.kinds !== KIND_PERCENT;
  if (mixed || isMeasureValuesName(name)) {
    return { name, type: integral && !(st.kinds & KIND_PERCENT) ? 'integer' : 'decimal', format: 'General' };
  }
  // Group thousands unless the data shows 4+ digit numbers without grouping (a "Year" of 2024).
  const body = numberBody(ss.grouped || !ss.ungroupedBig, ss.decimals);
  let type: ColumnType;
  let format: string;
  if (st.kinds === KIND_PERCENT) {
    // Percents are small: group only when the data did ("0.0%", not "#,##0.0%").
    type = 'percentage';
    format = percentFormat(numberBody(ss.grouped, ss.decimals), st.symbolSpaced);
  } else if (st.kinds === KIND_CURRENCY) {
    type = 'currency';
    format = currencyFormat(body, st.currency, st.currencySuffix, st.symbolSpaced, st.parens);
  } else {
    type = integral ? 'integer' : 'decimal';
    format = plainFormat(body, st.parens);
  }
  return { name, type, format };
}
