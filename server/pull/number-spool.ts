/**
 * The numbers the streaming path's pass 1 already converted (ColumnStats.take, best guess), kept for
 * pass 2 so that it does not scan every number and date a second time: one double per cell, row by
 * row, NaN where the cell gave no number (a converted number is never NaN, column-builder.ts). Pass
 * 2 uses a cell's number where the column's final plan keeps the guess (TableTyper.rowsToRedo) and
 * converts the text otherwise, as the in-memory path does (csv-columns.ts). Blocks stay in memory up
 * to `memoryBytes`, then go to a temp file. Writes and reads are synchronous, a block (~512 KB) at a
 * time: both sides run inside uDSV's row callback, which cannot wait.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BLOCK_VALUES = 1 << 16;

export class NumberSpool {
  /** Values per block: whole rows, so that a row never straddles two blocks. */
  private readonly blockValues: number;
  private block: Float64Array;
  private at = 0;
  /** In order: a block kept in memory, or the length of one in the file (null once read). */
  private readonly blocks: Array<Float64Array | number | null> = [];
  private memoryBytes = 0;
  private fd: number | null = null;
  private dir: string | null = null;
  private written = 0;
  private readBytes = 0;
  private blocksRead = 0;
  /** The block being read, and where its next row starts. */
  private reading: Float64Array | null = null;
  private readAt = 0;
  /** Where the row `nextRow` answered starts in its block. */
  rowStart = 0;

  constructor(
    width: number,
    private readonly opts: { memoryBytes?: number; tmpDir?: string } = {},
  ) {
    this.blockValues = Math.max(width, width * Math.floor(BLOCK_VALUES / width));
    this.block = new Float64Array(this.blockValues);
  }

  /** Adds one cell's number (NaN: none). */
  push(value: number): void {
    this.block[this.at++] = value;
    if (this.at === this.blockValues) this.keep();
  }

  /** The block that holds the next row of `width` values, which starts at `rowStart`. The first call ends writing. */
  nextRow(width: number): Float64Array {
    if (this.reading === null || this.readAt + width > this.reading.length) {
      if (this.reading === null && this.at > 0) this.keep();
      this.reading = this.readBlock();
      this.readAt = 0;
    }
    this.rowStart = this.readAt;
    this.readAt += width;
    return this.reading;
  }

  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.blocks.length = 0;
  }

  private keep(): void {
    const full = this.at === this.blockValues ? this.block : this.block.subarray(0, this.at);
    if (this.fd === null && this.memoryBytes + full.byteLength <= (this.opts.memoryBytes ?? 8_000_000)) {
      this.blocks.push(full);
      this.memoryBytes += full.byteLength;
    } else {
      if (this.fd === null) {
        this.dir = mkdtempSync(join(this.opts.tmpDir ?? tmpdir(), 'tableau-csv-'));
        this.fd = openSync(join(this.dir, 'numbers.f64'), 'w+');
      }
      writeSync(this.fd, full, 0, full.byteLength, this.written);
      this.written += full.byteLength;
      this.blocks.push(full.length);
    }
    this.block = new Float64Array(this.blockValues);
    this.at = 0;
  }

  private readBlock(): Float64Array {
    const i = this.blocksRead++;
    const kept = this.blocks[i];
    this.blocks[i] = null;
    if (kept instanceof Float64Array) return kept;
    if (typeof kept !== 'number' || this.fd === null) throw new Error('number spool: read past its end');
    const block = new Float64Array(kept);
    readSync(this.fd, block, 0, block.byteLength, this.readBytes);
    this.readBytes += block.byteLength;
    return block;
  }
}
