/**
 * Holds a table's raw rows between the typing pass and the output pass. Column types need ALL
 * values before the first row can be sent, so a large export goes to a temp file instead of the
 * heap: rows stay in memory up to `memoryRows`, then move to disk as one JSON array per line
 * (JSON.parse of a whole batch is far faster than per-row parsing). `dispose()` deletes the file.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILE_BATCH_ROWS = 2000;

export class RowSpool {
  private mem: string[][] = [];
  private dir: string | null = null;
  private out: WriteStream | null = null;
  private file = '';
  private writtenRows = 0;

  constructor(private readonly opts: { memoryRows?: number; tmpDir?: string } = {}) {}

  get size(): number {
    return this.writtenRows + this.mem.length;
  }

  /** Adds rows; spills to disk (with backpressure) once the memory budget is used. */
  async add(rows: string[][]): Promise<void> {
    for (const row of rows) this.mem.push(row);
    const budget = this.opts.memoryRows ?? 50_000;
    if (this.out || this.mem.length > budget) {
      while (this.mem.length >= FILE_BATCH_ROWS) await this.spill(this.mem.splice(0, FILE_BATCH_ROWS));
    }
  }

  private async spill(batch: string[][]): Promise<void> {
    if (!this.out) {
      this.dir = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'tableau-csv-'));
      this.file = join(this.dir, 'rows.jsonl');
      this.out = createWriteStream(this.file);
    }
    this.writtenRows += batch.length;
    if (!this.out.write(JSON.stringify(batch) + '\n')) await once(this.out, 'drain');
  }

  /** All rows in order, in batches. */
  async *batches(): AsyncGenerator<string[][]> {
    if (this.out) {
      if (this.mem.length) await this.spill(this.mem.splice(0));
      const out = this.out;
      out.end();
      await once(out, 'finish');
      let parts: string[] = [];
      for await (const chunk of createReadStream(this.file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        const text = chunk as string;
        let start = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
          parts.push(text.slice(start, nl));
          yield JSON.parse(parts.join('')) as string[][];
          parts = [];
          start = nl + 1;
        }
        if (start < text.length) parts.push(text.slice(start));
      }
      return;
    }
    const mem = this.mem;
    this.mem = [];
    for (let i = 0; i < mem.length; i += FILE_BATCH_ROWS) yield mem.slice(i, i + FILE_BATCH_ROWS);
  }

  async dispose(): Promise<void> {
    this.mem = [];
    if (this.out && !this.out.closed) {
      this.out.destroy();
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
