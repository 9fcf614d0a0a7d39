/**
 * Types a whole CSV table: every row is observed once (one pass, all values), then `finish()`
 * decides the locale and each column's plan. Used by the streaming path (csv-typed.ts), which
 * converts later from its spool, and by the in-memory path (csv-columns.ts), which keeps the values
 * `take` converted on the way and only redoes a column whose final plan differs from the guess.
 */
import type { CellValue, ColumnSpec } from '../../../common/stream.js';
import { precisionWarnings } from '../precision.js';
import { ColumnStats, newHints, type TableHints, U_BOOL, U_COMMA, U_DATE, U_DMY, U_DOT, U_MDY, U_TEXT } from './column-stats.js';
import { type LocaleRule, localeRule, resolveLocale } from './locale.js';
import { STYLE_COMMA_DECIMAL } from './number-scan.js';
import { type ColumnPlan, K_BOOL, K_DATE, K_NUMBER, planColumn } from './plan.js';

export interface TypedTable {
  columns: ColumnSpec[];
  plans: ColumnPlan[];
  locale: LocaleRule;
}

/** Excel tables need unique, non-empty headers: "Sales", "Sales (2)", "Column 3". */
export function uniqueHeaders(header: readonly string[]): string[] {
  const seen = new Set<string>();
  return header.map((raw, i) => {
    const base = raw.trim() || `Column ${i + 1}`;
    let name = base;
    for (let k = 2; seen.has(name.toLowerCase()); k++) name = `${base} (${k})`;
    seen.add(name.toLowerCase());
    return name;
  });
}

export class TableTyper {
  readonly names: string[];
  readonly stats: ColumnStats[];
  private readonly hints: TableHints = newHints();

  constructor(
    header: readonly string[],
    private readonly localeOption?: string,
  ) {
    if (localeOption && localeOption !== 'auto') {
      // An explicit locale is checked before any data is read, so a typo fails fast and clearly.
      const rule = localeRule(localeOption);
      this.hints.fixedComma = rule.style === STYLE_COMMA_DECIMAL;
      this.hints.fixedDayFirst = rule.dateOrder === 'dmy';
    }
    this.names = uniqueHeaders(header);
    this.stats = header.map(() => new ColumnStats(this.hints));
  }

  observeRow(row: readonly string[]): void {
    const stats = this.stats;
    for (let j = 0; j < stats.length; j++) stats[j].take(row[j]);
  }

  /** Observes a row and stores its speculatively converted values at `out[j][r]`. */
  takeRow(row: readonly string[], out: CellValue[][], r: number): void {
    const stats = this.stats;
    for (let j = 0; j < stats.length; j++) out[j][r] = stats[j].take(row[j]);
  }

  finish(): TypedTable {
    const locale = resolveLocale(this.localeOption, this.stats);
    const plans = this.stats.map((st, j) => planColumn(this.names[j], st, locale));
    return { columns: plans.map((p) => p.spec), plans, locale };
  }

  /** The end warnings for long numbers made text and dates before 1900 (precision.ts), by the final plans. */
  warnings(table: TypedTable): string[] {
    const counts = (pick: (st: ColumnStats, plan: ColumnPlan) => number) =>
      table.plans.map((plan, j) => ({ name: plan.spec.name, count: pick(this.stats[j], plan) }));
    return precisionWarnings(
      counts((st, plan) => {
        if (plan.kind === K_NUMBER) return (plan.style === STYLE_COMMA_DECIMAL ? st.comma : st.dot).longDecimals;
        return plan.spec.type === 'text' && st.longNumbers > 0 && !st.otherText ? st.longNumbers + st.longDecimals : 0;
      }),
      counts((st, plan) => (plan.kind === K_DATE ? st.earlyDates : 0)),
    );
  }

  /**
   * How many leading rows of column `j` hold values `take` converted differently from `plan`
   * (0: every speculative value stands).
   */
  rowsToRedo(j: number, plan: ColumnPlan): number {
    const st = this.stats[j];
    const wrong = st.used & ~allowedUses(plan);
    let last = -1;
    for (let b = 0; wrong >> b; b++) if (wrong & (1 << b)) last = Math.max(last, st.lastUse[b]);
    return last + 1;
  }
}

/** The U_* readings whose values are what `plan` converts to. */
function allowedUses(plan: ColumnPlan): number {
  switch (plan.kind) {
    case K_NUMBER:
      return plan.style === STYLE_COMMA_DECIMAL ? U_COMMA : U_DOT;
    case K_DATE:
      return U_DATE | (plan.dayFirst ? U_DMY : U_MDY);
    case K_BOOL:
      return U_BOOL;
    default:
      return U_TEXT;
  }
}
