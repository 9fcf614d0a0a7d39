/**
 * Groups typed rows into `rows` messages. ~20,000 cells per batch (2,000 rows of 10 columns, within
 * 1,000–5,000 rows): big enough that NDJSON framing and the add-in's per-batch Excel sync stay cheap,
 * small enough that the first rows show quickly and one batch stays far below Excel on the web's
 * 5 MB request limit.
 */
import type { CellValue } from '../../common/stream.js';

export function batchSize(columns: number): number {
  return Math.min(5000, Math.max(1000, Math.round(20_000 / Math.max(1, columns))));
}

export class RowBatcher {
  private rows: CellValue[][] = [];

  constructor(private readonly size: number) {}

  /** Adds a row; returns a full batch when one is ready. */
  push(row: CellValue[]): CellValue[][] | null {
    this.rows.push(row);
    if (this.rows.length < this.size) return null;
    const full = this.rows;
    this.rows = [];
    return full;
  }

  /** Adds many rows at once (VDS slices); returns a batch when at least `size` rows are waiting. */
  pushMany(rows: CellValue[][]): CellValue[][] | null {
    if (this.rows.length === 0 && rows.length >= this.size) return rows;
    for (const row of rows) this.rows.push(row);
    if (this.rows.length < this.size) return null;
    const full = this.rows;
    this.rows = [];
    return full;
  }

  flush(): CellValue[][] | null {
    if (this.rows.length === 0) return null;
    const full = this.rows;
    this.rows = [];
    return full;
  }
}
