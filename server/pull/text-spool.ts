/**
 * Holds an export's text between the typing pass and the output pass of csvToTyped. Column types
 * need ALL values before the first row can be sent, so a large export goes to a temp file instead of
 * the heap: text stays in memory up to `memoryChars`, then everything moves to disk. The output pass
 * parses the text again where a column's guessed values must be redone (csv-typed.ts; the other
 * cells come from cell-spool.ts). Keeping the text rather than the parsed rows is cheaper both ways: the
 * rows' JSON round trip (stringify, write, read, JSON.parse) cost ~2.9 s of a 9.5 s million-row
 * export, more than parsing the CSV twice. `dispose()` deletes the file.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TextSpool {
  private mem: string[] = [];
  private memChars = 0;
  private dir: string | null = null;
  private out: WriteStream | null = null;
  private file = '';

  constructor(private readonly opts: { memoryChars?: number; tmpDir?: string } = {}) {}

  /** Adds text; moves to disk (with backpressure) once the memory budget is used. */
  async add(text: string): Promise<void> {
    if (!this.out) {
      this.mem.push(text);
      this.memChars += text.length;
      if (this.memChars <= (this.opts.memoryChars ?? 4_000_000)) return;
      this.dir = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'tableau-csv-'));
      this.file = join(this.dir, 'export.csv');
      this.out = createWriteStream(this.file, { encoding: 'utf8' });
      text = this.mem.join('');
      this.mem = [];
    }
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  /** All the text, in order. */
  async *texts(): AsyncGenerator<string> {
    if (!this.out) {
      yield* this.mem;
      return;
    }
    const out = this.out;
    out.end();
    await once(out, 'finish');
    // The decoder keeps a character split across two reads whole.
    for await (const chunk of createReadStream(this.file, { encoding: 'utf8', highWaterMark: 1 << 20 })) yield chunk as string;
  }

  async dispose(): Promise<void> {
    this.mem = [];
    if (this.out && !this.out.closed) this.out.destroy();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
