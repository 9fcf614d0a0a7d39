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

import { drainedOrClosed } from './drain.js';

export class TextSpool {
  private mem: string[] = [];
  private memChars = 0;
  private dir: string | null = null;
  private out: WriteStream | null = null;
  private file = '';
  /** The file's write error, if any: thrown by the next add or read instead of crashing the process. */
  private failure: Error | null = null;
  private disposed = false;

  constructor(private readonly opts: { memoryChars?: number; tmpDir?: string } = {}) {}

  /** Adds text; moves to disk (with backpressure) once the memory budget is used. */
  async add(text: string): Promise<void> {
    if (!this.out) {
      this.mem.push(text);
      this.memChars += text.length;
      if (this.memChars <= (this.opts.memoryChars ?? 4_000_000)) return;
      const dir = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'tableau-csv-'));
      if (this.disposed) {
        // dispose() ran while the directory was being made: nothing may be left behind.
        await rm(dir, { recursive: true, force: true });
        return;
      }
      this.dir = dir;
      this.file = join(this.dir, 'export.csv');
      this.out = createWriteStream(this.file, { encoding: 'utf8' });
      // A write stream without an 'error' listener throws its error as an uncaught exception: a disk
      // that fills up, or a write still on its way when dispose() destroys the stream (a consumer
      // that stopped early), would end the server (https://nodejs.org/api/events.html#error-events).
      this.out.on('error', (err) => (this.failure ??= err));
      text = this.mem.join('');
      this.mem = [];
    }
    if (this.failure) throw this.failure;
    if (!this.out.write(text)) await drainedOrClosed(this.out);
    if (this.failure) throw this.failure;
  }

  /** All the text, in order. */
  async *texts(): AsyncGenerator<string> {
    if (!this.out) {
      yield* this.mem;
      return;
    }
    const out = this.out;
    if (this.failure) throw this.failure;
    out.end();
    await once(out, 'finish');
    // The decoder keeps a character split across two reads whole.
    for await (const chunk of createReadStream(this.file, { encoding: 'utf8', highWaterMark: 1 << 20 })) yield chunk as string;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.mem = [];
    if (this.out && !this.out.closed) this.out.destroy();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
