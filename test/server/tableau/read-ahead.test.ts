import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readAhead, type ReadAheadOptions } from '../../../server/tableau/read-ahead.js';
import { bomEdit } from '../../../server/tableau/views.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-ahead-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Tableau's body: each chunk when asked for, then the end, or `fail` once every chunk was taken. */
function body(chunks: Buffer[], fail?: Error): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(chunks[i++]);
      else if (fail) this.destroy(fail);
      else this.push(null);
    },
  });
}

/** A body that sends only what the test pushes and never ends by itself. */
function openBody(): Readable {
  return new Readable({ read() {} });
}

/** The read-ahead with its source's end (or failure) as a promise, and the temp dir of this test. */
function ahead(source: Readable, o: Partial<ReadAheadOptions> = {}) {
  let sourceDone!: () => void;
  const done = new Promise<void>((resolve) => (sourceDone = resolve));
  const stream = readAhead(source, { tmpDir: dir, ...o, onSourceDone: sourceDone });
  return { stream, done };
}

/** Every byte read, and the error that ended the reading (if any). */
async function drain(stream: Readable): Promise<{ bytes: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of stream) chunks.push(c as Buffer);
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

/** Multi-byte UTF-8 cut at every boundary: 'é' (2 bytes), '€' (3), '😀' (4). */
function utf8Chunks(): { whole: Buffer; chunks: Buffer[] } {
  const whole = Buffer.from('Region,Sales\nCôte d’Ivoire,€45\n😀,12\n'.repeat(50));
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < whole.length; at += size, size = (size % 7) + 1) chunks.push(whole.subarray(at, at + size));
  return { whole, chunks };
}

describe('readAhead', () => {
  it('gives the reader the same bytes, a UTF-8 character split over chunks included, from memory and from the file', async () => {
    const { whole, chunks } = utf8Chunks();
    for (const memoryBytes of [1 << 20, 0, 100]) {
      const { stream, done } = ahead(body(chunks), { memoryBytes });
      await done; // the whole body is in before the reader starts: all of it waits in memory or on disk
      const { bytes, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(bytes.equals(whole)).toBe(true);
      expect(new TextDecoder().decode(bytes)).toBe(whole.toString('utf8'));
      await stream.settled;
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("ends the source's hold when the source ends, while the reader has read nothing", async () => {
    const source = body([Buffer.alloc(300_000, 97), Buffer.alloc(300_000, 98)]);
    const { stream, done } = ahead(source, { memoryBytes: 64 * 1024 });
    await done;
    expect(source.readableEnded).toBe(true);
    expect(stream.readableLength).toBe(0); // nothing was handed to the reader yet
    const { bytes } = await drain(stream);
    expect(bytes.length).toBe(600_000);
    expect(bytes.subarray(299_999, 300_001).toString()).toBe('ab');
  });

  it('keeps up to memoryBytes unread in memory and the rest in a temp file', async () => {
    const small = ahead(body([Buffer.alloc(60, 1), Buffer.alloc(30, 2)]), { memoryBytes: 100 });
    await small.done;
    expect(small.stream.read()).not.toBeNull();
    expect(await readdir(dir)).toEqual([]); // 90 bytes: no file
    await drain(small.stream);

    const large = ahead(body([Buffer.alloc(60, 1), Buffer.alloc(60, 2), Buffer.alloc(60, 3)]), { memoryBytes: 100 });
    await large.done;
    const chunks: Buffer[] = [];
    for await (const c of large.stream) {
      chunks.push(c as Buffer);
      // The second chunk is past the 100 bytes: it is read back from the file, which is there now.
      if (chunks.length === 2) expect(await readdir(dir)).toHaveLength(1);
    }
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([Buffer.alloc(60, 1), Buffer.alloc(60, 2), Buffer.alloc(60, 3)]));
    await large.stream.settled;
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives a cut body as every byte that arrived, then the same error', async () => {
    const cut = new Error('tableau data stream broke off');
    const sent = [Buffer.from('a,b\n'), Buffer.alloc(5000, 120), Buffer.from('1,2\n')];
    for (const memoryBytes of [1 << 20, 1000]) {
      const { stream, done } = ahead(body(sent, cut), { memoryBytes });
      await done; // failed at Tableau's end; the reader has read nothing so far
      const { bytes, error } = await drain(stream);
      expect(bytes).toEqual(Buffer.concat(sent));
      expect(error).toBe(cut);
      await stream.settled;
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives a body closed before its end as a premature close after its bytes', async () => {
    const source = openBody();
    const { stream, done } = ahead(source);
    source.push('a,b\n1,');
    source.on('data', () => source.destroy()); // the read-ahead has taken the chunk; then the socket closes
    await done;
    const { bytes, error } = await drain(stream);
    expect(bytes.toString()).toBe('a,b\n1,');
    expect(error).toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it("aborts the source at once, ends the source's hold and deletes the file when the reader cancels", async () => {
    const source = openBody();
    const { stream, done } = ahead(source, { memoryBytes: 0 });
    source.push(Buffer.alloc(10_000, 1));
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.pause();
    expect(first.length).toBe(10_000);
    expect(await readdir(dir)).toHaveLength(1);
    stream.destroy();
    expect(source.destroyed).toBe(true);
    await done;
    await stream.settled;
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes the file when the reader cancels while it is being made, and when the reader stops after the end', async () => {
    const source = openBody();
    const early = ahead(source, { memoryBytes: 0 });
    source.push(Buffer.alloc(100, 1)); // goes to a file that is being opened
    await new Promise<void>((resolve) => source.once('data', () => resolve()));
    early.stream.destroy();
    await early.stream.settled;
    expect(await readdir(dir)).toEqual([]);

    const late = ahead(body([Buffer.alloc(500, 1), Buffer.alloc(500, 2)]), { memoryBytes: 0 });
    await late.done;
    expect(late.stream.read(10)).toBeNull(); // asks for data: the read from the file is on its way
    late.stream.destroy();
    await late.stream.settled;
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the server and what to do when the temp folder cannot be written', async () => {
    const { stream } = ahead(body([Buffer.alloc(10, 1)]), { memoryBytes: 0, tmpDir: join(dir, 'missing') });
    const { error } = await drain(stream);
    expect(String((error as Error).message)).toMatch(/could not keep Tableau's answer in a temp file .*missing \(ENOENT\).*TMPDIR/);
    await stream.settled;
  });

  it('applies an edit to the bytes as they arrive (a BOM split over chunks)', async () => {
    const bytes = Buffer.from('\ufeffa,b\n1,2\n');
    const { stream } = ahead(body([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]), { edit: bomEdit(), memoryBytes: 0 });
    expect((await drain(stream)).bytes.toString()).toBe('a,b\n1,2\n');
    const short = ahead(body([Buffer.from([0xef, 0xbb])]), { edit: bomEdit() });
    expect((await drain(short.stream)).bytes).toEqual(Buffer.from([0xef, 0xbb]));
  });
});
