/**
 * Guessing the key when the analyst has chosen none: among the columns whose values are all present
 * and all different, a column named like an identifier ("Order ID", "Customer Key", "Row Number")
 * first, then integer, text and date columns in that order, each in table order. Only those types
 * are candidates: a measure (decimal, currency, percentage) can be unique by chance in one refresh
 * and not the next, and a boolean never is. The guess sees only the new result (the pane has it in
 * memory; the old one is read once, afterwards), so a guessed column that repeats in the previous
 * result ends as "not unique" with a note asking for key columns, never as wrong counts.
 * Rows are fed in batches; a column drops out at its first repeated or empty value, so only the
 * columns still unique hold a hash set.
 */
import type { CellValue, ColumnSpec, ColumnType } from '../stream.js';
import { Hasher } from './hash.js';
import { RowIndex } from './row-index.js';

const TYPE_RANK: Partial<Record<ColumnType, number>> = { integer: 0, text: 1, date: 2, datetime: 2 };
const IDENTIFIER = /(^|[\s_-])(id|key|code|number|no)$/i;

const rank = (c: ColumnSpec) => (IDENTIFIER.test(c.name.trim()) ? 0 : 10) + (TYPE_RANK[c.type] ?? 99);

export class KeyGuesser {
  private readonly hasher = new Hasher();
  private candidates: Array<{ column: number; seen: RowIndex }>;

  constructor(
    private readonly columns: ColumnSpec[],
    /** Only these columns may be the key (e.g. those the previous result had too). */
    allowed: (c: ColumnSpec) => boolean = () => true,
  ) {
    this.candidates = columns
      .map((c, column) => ({ c, column }))
      .filter(({ c }) => TYPE_RANK[c.type] !== undefined && allowed(c))
      .sort((x, y) => rank(x.c) - rank(y.c) || x.column - y.column)
      .map(({ column }) => ({ column, seen: new RowIndex(0) })); // small: most columns drop out within a few rows
  }

  add(rows: CellValue[][]): void {
    for (const row of rows) {
      if (this.candidates.length === 0) return;
      for (let i = this.candidates.length - 1; i >= 0; i--) {
        const { column, seen } = this.candidates[i];
        const v = row[column] ?? null;
        let unique = v !== null && v !== '';
        if (unique) {
          this.hasher.reset().value(v);
          this.hasher.finish();
          unique = seen.add(this.hasher.a, this.hasher.b, 0, 0) === -1;
        }
        if (!unique) this.candidates.splice(i, 1);
      }
    }
  }

  /** The guessed key column's name, or null when no column is unique. */
  result(): string | null {
    const first = this.candidates[0];
    return first ? this.columns[first.column].name : null;
  }
}
