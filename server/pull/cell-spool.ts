/**
 * The cells the streaming path's pass 1 read, kept for pass 2 so that it neither parses the text
 * again nor scans every number and date a second time: per cell the number ColumnStats.take
 * converted (best guess), or NaN and the cell's text (a converted number is never NaN,
 * column-builder.ts). Pass 2 keeps a number where the column's final plan keeps the guess
 * (TableTyper.rowsToRedo) and converts a text by the final plan, as the in-memory path does
 * (csv-columns.ts). Rows are kept in blocks (~512 KB of numbers and their texts) in memory up to
 * `memoryBytes`, then in a temp file; a row never straddles two blocks. Writes and reads are
 * synchronous, a block at a time: pass 1 writes inside uDSV's row callback, which cannot wait.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BLOCK_VALUES = 1 << 16;

/** A block: its numbers, and the texts of its NaN cells in order (joined, with their lengths). */
interface Block {
  numbers: Float64Array;
  text: string;
  lengths: Uint32Array;
}

/** Where a block that went to the file is: its parts' byte lengths (the file is read in order). */
interface FiledBlock {
  numbers: number;
  lengths: number;
  text: number;
  encoding: 'latin1' | 'utf16le';
}

export class CellSpool {
  /** Values per block: whole rows. */
  private readonly blockValues: number;
  private numbers: Float64Array;
  private at = 0;
  /** The block's texts so far, joined, and their lengths. */
  private text = '';
  private lengths: Uint32Array;
  private texts = 0;
  /** In order: a block kept in memory or filed, null once read. */
  private readonly blocks: Array<Block | FiledBlock | null> = [];
  private memoryBytes = 0;
  private fd: number | null = null;
  private dir: string | null = null;
  private written = 0;
  private readBytes = 0;
  private blocksRead = 0;
  /** The block being read; where its next row starts; where its next text starts. */
  private reading: Block | null = null;
  private readAt = 0;
  private textAt = 0;
  private lengthAt = 0;
  /** Where the row `nextRow` answered starts in its block's numbers. */
  rowStart = 0;

  constructor(
    width: number,
    private readonly opts: { memoryBytes?: number; tmpDir?: string } = {},
  ) {
    this.blockValues = Math.max(width, width * Math.floor(BLOCK_VALUES / width));
    this.numbers = new Float64Array(this.blockValues);
    this.lengths = new Uint32Array(this.blockValues);
  }

  /** Adds a cell's number. The row's last cell must come last: blocks end after whole rows. */
  push(value: number): void {
    this.numbers[this.at++] = value;
    if (this.at === this.blockValues) this.keep();
  }

  /** Adds a cell that gave no number: its text. */
  pushText(text: string): void {
    this.text += text;
    this.lengths[this.texts++] = text.length;
    this.push(NaN);
  }

  /** The numbers of the next row of `width` cells, from `rowStart`. The first call ends writing. */
  nextRow(width: number): Float64Array {
    if (this.reading === null || this.readAt + width > this.reading.numbers.length) {
      if (this.reading === null && this.at > 0) this.keep();
      this.reading = this.readBlock();
      this.readAt = 0;
      this.textAt = 0;
      this.lengthAt = 0;
    }
    this.rowStart = this.readAt;
    this.readAt += width;
    return this.reading.numbers;
  }

  /** The text of the next NaN cell of the rows `nextRow` answered. */
  nextText(): string {
    const block = this.reading!;
    const start = this.textAt;
    this.textAt += block.lengths[this.lengthAt++];
    return block.text.substring(start, this.textAt);
  }

  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.blocks.length = 0;
  }

  private keep(): void {
    const numbers = this.at === this.blockValues ? this.numbers : this.numbers.subarray(0, this.at);
    const lengths = this.lengths.slice(0, this.texts);
    const text = this.text;
    const bytes = numbers.byteLength + lengths.byteLength + 2 * text.length;
    if (this.fd === null && this.memoryBytes + bytes <= (this.opts.memoryBytes ?? 8_000_000)) {
      this.blocks.push({ numbers, text, lengths });
      this.memoryBytes += bytes;
    } else {
      if (this.fd === null) {
        this.dir = mkdtempSync(join(this.opts.tmpDir ?? tmpdir(), 'tableau-csv-'));
        this.fd = openSync(join(this.dir, 'cells.bin'), 'w+');
      }
      // ASCII text (most exports) one byte a character; else UTF-16 as it is, so that any string
      // comes back the same (UTF-8 would change a lone surrogate).
      const encoding = Buffer.byteLength(text, 'utf8') === text.length ? 'latin1' : 'utf16le';
      const encoded = Buffer.from(text, encoding);
      for (const part of [numbers, lengths, encoded]) {
        writeSync(this.fd, part, 0, part.byteLength, this.written);
        this.written += part.byteLength;
      }
      this.blocks.push({ numbers: numbers.length, lengths: lengths.length, text: encoded.length, encoding });
    }
    this.numbers = new Float64Array(this.blockValues);
    this.at = 0;
    this.text = '';
    this.texts = 0;
  }

  private readBlock(): Block {
    const i = this.blocksRead++;
    const kept = this.blocks[i];
    this.blocks[i] = null;
    if (!kept || this.fd === null) {
      if (kept && kept.numbers instanceof Float64Array) return kept as Block;
      throw new Error('cell spool: read past its end');
    }
    if (kept.numbers instanceof Float64Array) return kept as Block;
    const filed = kept as FiledBlock;
    const numbers = new Float64Array(filed.numbers);
    const lengths = new Uint32Array(filed.lengths);
    const encoded = Buffer.allocUnsafe(filed.text);
    for (const part of [numbers, lengths, encoded]) {
      readSync(this.fd, part, 0, part.byteLength, this.readBytes);
      this.readBytes += part.byteLength;
    }
    return { numbers, lengths, text: encoded.toString(filed.encoding) };
  }
}
