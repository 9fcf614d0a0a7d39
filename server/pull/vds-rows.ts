/**
 * The row half of a VDS answer, shared by both ways Tableau sends it (a JSON body, vds-typed.ts, or
 * Server-Sent Events, vds-sse.ts): slices of rows as JSON array texts ("[row,row,...]") in, typed
 * `rows` messages out, then the `end` message with its warnings. ARRAYS slices without a row limit
 * are re-encoded as text where they allow it (vds-transcode.ts), kept apart from parsed rows so the
 * order never changes; everything else takes the general path (JSON.parse + convertVdsValue).
 */
import type { CellValue, ColumnSpec, StreamMessage } from '../../common/stream.js';
import { encodedRowsMessage } from './encoded-rows.js';
import { PullDataError } from './errors.js';
import { precisionWarnings, quoteLongNumbers } from './precision.js';
import { batchSize, RowBatcher } from './row-batcher.js';
import { type VdsColumn, vdsColumnSpecs } from './vds-columns.js';
import { dateMemo, transcodeArrays, type Transcoded } from './vds-transcode.js';
import { converterFor, convertVdsValue, type Misfits } from './vds-values.js';

export interface VdsToTypedOptions {
  columns: VdsColumn[];
  returnFormat: 'OBJECTS' | 'ARRAYS';
  limit?: number;
  source?: string;
  /**
   * No rowLimit went to Tableau, so an SSE METADATA rowCount counts the whole result even when
   * `limit` cuts the rows we read: the end message can then say the total (vds-sse.ts).
   */
  countsWhole?: boolean;
}

export class VdsRowTyper {
  readonly columns: ColumnSpec[];
  private readonly width: number;
  private readonly keys: string[];
  private readonly kinds: number[];
  private readonly objects: boolean;
  /** Our row limit (Infinity when none). */
  readonly limit: number;
  private readonly fast: boolean;
  private readonly memo = dateMemo();
  private readonly size: number;
  private readonly batcher: RowBatcher;
  /** One tally per column, so the end warnings can name the columns (precision.ts). */
  private readonly misfits: Misfits[];
  private encodedParts: string[] = [];
  private encodedCount = 0;
  rowCount = 0;
  /** True once the row limit cut the result: the caller stops reading. */
  truncated = false;

  constructor(opts: VdsToTypedOptions) {
    this.columns = vdsColumnSpecs(opts.columns);
    this.width = this.columns.length;
    this.keys = opts.columns.map((c) => c.key);
    this.kinds = this.columns.map((c) => converterFor(c.type));
    this.objects = opts.returnFormat === 'OBJECTS';
    this.limit = opts.limit ?? Infinity;
    this.fast = !this.objects && this.limit === Infinity;
    this.size = batchSize(this.width);
    this.batcher = new RowBatcher(this.size);
    this.misfits = this.columns.map(() => ({ count: 0 }));
  }

  /** Messages for one slice of rows ("[row,row,...]"); call `finish` after the last one. */
  *push(text: string): Generator<StreamMessage> {
    if (this.truncated) return;
    const transcoded = this.transcode(text);
    if (transcoded) yield* this.pushTranscoded(transcoded);
    else yield* this.pushParsed(text);
  }

  /** The slice re-encoded for the fast path, or undefined when it must be parsed (nothing is counted yet). */
  transcode(text: string): Transcoded | undefined {
    return this.fast ? transcodeArrays(text, this.kinds, this.memo) : undefined;
  }

  *pushTranscoded(transcoded: Transcoded): Generator<StreamMessage> {
    const parsedRows = this.batcher.flush();
    if (parsedRows) yield { kind: 'rows', rows: parsedRows };
    if (transcoded.count) this.encodedParts.push(transcoded.json.slice(1, -1));
    const long = transcoded.long;
    if (long) for (let j = 0; j < this.width; j++) this.misfits[j].long = (this.misfits[j].long ?? 0) + long[j];
    this.encodedCount += transcoded.count;
    this.rowCount += transcoded.count;
    if (this.encodedCount >= this.size) yield this.takeEncoded()!;
  }

  private *pushParsed(text: string): Generator<StreamMessage> {
    const encoded = this.takeEncoded();
    if (encoded) yield encoded;
    // JSON.parse would round a 19-digit ID to a double before we see it: such tokens become strings first.
    const parsed = JSON.parse(quoteLongNumbers(text)) as unknown[];
    if (this.rowCount >= this.limit) {
      if (parsed.length) this.truncated = true;
      return;
    }
    const full = this.batcher.pushMany(this.toRows(parsed));
    if (full) yield { kind: 'rows', rows: full };
  }

  /** The rows still waiting, then `end`. */
  *finish(): Generator<StreamMessage> {
    const encoded = this.takeEncoded();
    if (encoded) yield encoded;
    const last = this.batcher.flush();
    if (last) yield { kind: 'rows', rows: last };
    const warnings: string[] = [];
    const misfitCount = this.misfits.reduce((sum, m) => sum + m.count, 0);
    if (misfitCount) {
      warnings.push(`${misfitCount} value${misfitCount === 1 ? '' : 's'} did not match the column type and were kept as text`);
    }
    const counted = (pick: (m: Misfits) => number | undefined) =>
      this.columns.map((c, j) => ({ name: c.name, count: pick(this.misfits[j]) ?? 0 }));
    warnings.push(
      ...precisionWarnings(
        counted((m) => m.long),
        counted((m) => m.early),
      ),
    );
    yield { kind: 'end', rowCount: this.rowCount, truncated: this.truncated, ...(warnings.length ? { warnings } : {}) };
  }

  private takeEncoded(): StreamMessage | null {
    if (!this.encodedCount) return null;
    const message = encodedRowsMessage(`[${this.encodedParts.join(',')}]`, this.encodedCount);
    this.encodedParts = [];
    this.encodedCount = 0;
    return message;
  }

  private toRows(parsed: unknown[]): CellValue[][] {
    const { width, keys, kinds, misfits } = this;
    const take = Math.min(parsed.length, this.limit - this.rowCount);
    if (take < parsed.length) this.truncated = true;
    const rows: CellValue[][] = new Array(take);
    for (let r = 0; r < take; r++) {
      const src = parsed[r];
      let row: CellValue[];
      if (this.objects) {
        if (!src || typeof src !== 'object' || Array.isArray(src)) throw badRow();
        const o = src as Record<string, unknown>;
        row = new Array(width);
        for (let j = 0; j < width; j++) row[j] = convertVdsValue(kinds[j], o[keys[j]], misfits[j]);
      } else {
        if (!Array.isArray(src) || src.length !== width) throw badRow();
        row = src as CellValue[];
        // In place: the parsed array is ours, and most cells (numbers, strings) come back unchanged.
        for (let j = 0; j < width; j++) row[j] = convertVdsValue(kinds[j], row[j], misfits[j]);
      }
      rows[r] = row;
    }
    this.rowCount += take;
    return rows;
  }
}

function badRow(): PullDataError {
  return new PullDataError('bad-response', 'The data source sent a row in an unexpected shape');
}
