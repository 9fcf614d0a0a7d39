/**
 * Compares a new result with the old one by key, streaming: the old rows are reduced to hashes as
 * they are read (addOld), then the new rows are looked up one by one (addNew). Neither side's
 * values are kept, so two 1,000,000-row results are compared while holding only the new one (the
 * pane has it anyway: it is about to be written) and ~24 bytes per old row.
 *
 * Outcome: rows added, removed, changed and unchanged, plus where to highlight (positions in the
 * new result) — or, when the key does not identify rows (a key value repeats on either side), no
 * counts and a note naming a repeated key: counts by a non-unique key would be wrong.
 */
import type { CellValue, ColumnSpec } from '../stream.js';
import { Hasher } from './hash.js';
import type { DiffBlocked, DiffPlan } from './plan.js';
import { RowIndex } from './row-index.js';

interface DiffCounts {
  compared: true;
  keys: string[];
  keyGuessed: boolean;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  notes: string[];
}

export interface DiffNotCompared {
  compared: false;
  reason: DiffBlocked['reason'];
  keys: string[];
  keyGuessed: boolean;
  notes: string[];
}

/** What a refresh says and stores (the table's status, the log, a scheduled run's history). */
export type DiffSummary = DiffCounts | DiffNotCompared;

/** Where the new result changed, by position (0-based data row, column index in the new columns). */
export interface DiffPositions {
  addedRows: number[];
  changedRows: number[];
  /** For each of changedRows, the new result's columns whose value changed. */
  changedColumns: number[][];
  /** False when there were more than `maxPositions` added and changed rows (then none are listed). */
  complete: boolean;
}

export interface DiffOptions {
  /** Keep a hash per compared cell, to say which cells of a changed row changed (for highlighting). */
  cells?: boolean;
  /** Old rows expected (sizes the index once instead of growing it). */
  expectedRows?: number;
  /** At most this many added + changed rows are listed in positions (default 10,000). */
  maxPositions?: number;
}

export function notCompared(blocked: DiffBlocked): DiffNotCompared {
  return { compared: false, reason: blocked.reason, keys: blocked.keys, keyGuessed: blocked.keyGuessed, notes: [blocked.note] };
}

const describeKey = (columns: ColumnSpec[], at: number[], row: CellValue[]) =>
  at.map((i) => `${columns[i].name} = ${JSON.stringify(row[i] ?? null)}`).join(', ');

export class TableDiff {
  private readonly cell = new Hasher();
  private readonly row = new Hasher();
  private readonly old: RowIndex;
  private readonly added: RowIndex;
  private readonly cellHashes: Uint32Array;
  private readonly maxPositions: number;
  private readonly withCells: boolean;
  private repeated: string | null = null;
  private newRows = 0;
  private changed = 0;
  private unchanged = 0;
  private readonly positions: DiffPositions = { addedRows: [], changedRows: [], changedColumns: [], complete: true };

  constructor(
    private readonly plan: DiffPlan,
    private readonly oldColumns: ColumnSpec[],
    private readonly newColumns: ColumnSpec[],
    options: DiffOptions = {},
  ) {
    this.withCells = options.cells ?? false;
    const cells = this.withCells ? plan.newCompared.length : 0;
    this.old = new RowIndex(cells, options.expectedRows);
    this.added = new RowIndex(0);
    this.cellHashes = new Uint32Array(plan.newCompared.length);
    this.maxPositions = options.maxPositions ?? 10_000;
  }

  /** The old result, in batches, before any addNew. */
  addOld(rows: CellValue[][]): void {
    for (const r of rows) {
      if (this.repeated) return;
      this.hashRow(r, this.plan.oldCompared);
      const { a: ka, b: kb } = this.keyHash(r, this.plan.oldKey);
      if (this.old.add(ka, kb, this.row.a, this.row.b, this.cellHashes) !== -1)
        this.repeated = `the previous result has ${describeKey(this.oldColumns, this.plan.oldKey, r)} more than once`;
    }
  }

  /** The new result, in batches, in table order (positions count from its first row). */
  addNew(rows: CellValue[][]): void {
    for (const r of rows) {
      const at = this.newRows++;
      if (this.repeated) continue;
      this.hashRow(r, this.plan.newCompared);
      const fa = this.row.a;
      const fb = this.row.b;
      const { a: ka, b: kb } = this.keyHash(r, this.plan.newKey);
      const e = this.old.find(ka, kb);
      if (e === -1) {
        if (this.added.add(ka, kb, 0, 0) !== -1) this.repeat(r);
        else this.note(at, null);
      } else if (!this.old.match(e)) this.repeat(r);
      else if (this.old.sameFingerprint(e, fa, fb)) this.unchanged++;
      else {
        this.changed++;
        this.note(at, e);
      }
    }
  }

  finish(): { summary: DiffSummary; positions: DiffPositions } {
    const { keys, keyGuessed, notes } = this.plan;
    if (this.repeated) {
      const guess = keyGuessed ? 'guessed ' : '';
      const keyWords = keys.length > 1 ? `the ${guess}key columns do` : `the ${guess}key column "${keys[0]}" does`;
      return {
        summary: {
          compared: false,
          reason: 'key-not-unique',
          keys,
          keyGuessed,
          notes: [
            `Not compared with the last refresh: ${keyWords} not identify a row (${this.repeated}). Choose key columns whose values are unique in Properties.`,
          ],
        },
        positions: { addedRows: [], changedRows: [], changedColumns: [], complete: false },
      };
    }
    const summary: DiffCounts = {
      compared: true,
      keys,
      keyGuessed,
      added: this.added.count,
      removed: this.old.unmatched(),
      changed: this.changed,
      unchanged: this.unchanged,
      notes,
    };
    return { summary, positions: this.positions };
  }

  private repeat(r: CellValue[]): void {
    this.repeated = `the new result has ${describeKey(this.newColumns, this.plan.newKey, r)} more than once`;
  }

  /** Fingerprint of the compared cells into `row`; each cell's hash into cellHashes. */
  private hashRow(r: CellValue[], compared: number[]): void {
    this.row.reset(1);
    for (let i = 0; i < compared.length; i++) {
      this.cell.reset(2).value(r[compared[i]] ?? null);
      this.cell.finish();
      this.row.word(this.cell.a);
      this.row.word(this.cell.b);
      this.cellHashes[i] = this.cell.a;
    }
    this.row.finish();
  }

  private keyHash(r: CellValue[], key: number[]): Hasher {
    this.cell.reset(3);
    for (const k of key) this.cell.value(r[k] ?? null);
    this.cell.finish();
    return this.cell;
  }

  /** Lists an added (e = null) or changed row, with its changed columns when cells are kept. */
  private note(at: number, e: number | null): void {
    const p = this.positions;
    if (!p.complete) return;
    if (p.addedRows.length + p.changedRows.length >= this.maxPositions) {
      p.complete = false;
      p.addedRows = [];
      p.changedRows = [];
      p.changedColumns = [];
      return;
    }
    if (e === null) {
      p.addedRows.push(at);
      return;
    }
    p.changedRows.push(at);
    const cols: number[] = [];
    if (this.withCells) {
      this.plan.newCompared.forEach((col, i) => {
        if (this.old.cellHash(e, i) !== this.cellHashes[i]) cols.push(col);
      });
    }
    p.changedColumns.push(cols);
  }
}
