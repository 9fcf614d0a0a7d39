/**
 * A read-ahead between Tableau's streamed answer and the reader of it, so an export slot is held
 * only while Tableau sends. Tableau Cloud runs at most 20 exports per site at once and answers the
 * 21st with a 429 (docs/tableau-rest.md#concurrency-and-rate-limits); when the slot was held until
 * the reader had read the whole body, a reader going at its share of the server's CPU (or at the pace
 * Excel writes) kept a slot for seconds after Tableau had finished sending (issue #18: VDS pulls
 * held slots 7.4 s on average, view exports waited up to 17 s for one).
 *
 * The source is read as fast as it comes (no backpressure from the reader). Up to `memoryBytes` of
 * unread bytes stay in memory; past that, further bytes go to a temp file until the reader has
 * caught up, so memory per stream stays bounded. `onSourceDone` runs once when the source has ended,
 * failed, or was cancelled by the reader: that is when the slot is free again.
 *
 * The reader sees the same bytes, the same end and the same error as the source, the error only
 * after every byte that arrived before it (a body Tableau cuts still reads as cut, after its data).
 * Destroying the reader aborts the source at once if it is still sending. The temp file is deleted
 * when the reader is done or destroyed, also on errors; `settled` resolves once it is gone.
 */
import { randomUUID } from 'node:crypto';
import { close, open, read, unlink, writev } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** Applied to each chunk as it arrives (before it is kept), and once at the end: e.g. a BOM stripper. */
export interface ChunkEdit {
  chunk(bytes: Buffer): Buffer | undefined;
  end(): Buffer | undefined;
}

export interface ReadAheadOptions {
  /** Unread bytes kept in memory before the rest goes to the temp file. */
  memoryBytes?: number;
  /** Where the temp file goes: the OS temp dir by default (TMPDIR), as the CSV spool's (server/pull/text-spool.ts). */
  tmpDir?: string;
  /** Runs once when the source has ended, failed, or been destroyed because the reader went away. */
  onSourceDone?: () => void;
  edit?: ChunkEdit;
}

export interface ReadAheadStream extends Readable {
  /** Resolves when the stream is done or destroyed and its temp file (if any) is deleted. */
  readonly settled: Promise<void>;
}

/** 256 KiB: 50 pulls at once keep at most ~13 MB in memory; the rest waits in the page cache. */
const READ_AHEAD_MEMORY_BYTES = 256 * 1024;
/**
 * One read of the temp file, handed to the reader in chunks of a socket chunk's size (what it got
 * before, so each slice of its work stays as short: server/pull/turn-budget.ts). 500 MB through a
 * slow reader took the main thread 417–471 ms this way, 491–550 ms in reads of 64 KiB.
 */
const FILE_READ_BYTES = 256 * 1024;
const READER_CHUNK_BYTES = 64 * 1024;

export function readAhead(source: Readable, opts: ReadAheadOptions = {}): ReadAheadStream {
  const memoryBytes = opts.memoryBytes ?? READ_AHEAD_MEMORY_BYTES;
  const memory: Buffer[] = [];
  let memoryLength = 0;
  /** While true, new bytes go to the file (the reader has not caught up with it yet). */
  let spilling = false;
  let file: { fd: number; path: string } | null = null;
  let opening = false;
  let toWrite: Buffer[] = [];
  let writing = false;
  let reading = false;
  /** Bytes on disk, and how far the reader is in them. */
  let written = 0;
  let readAt = 0;
  let sourceState: 'open' | 'ended' | 'failed' = 'open';
  let sourceError: Error | undefined;
  let readerWaiting = false;
  let cleaning = false;
  let resolveSettled!: () => void;
  const settled = new Promise<void>((resolve) => (resolveSettled = resolve));

  let sourceDone = false;
  const finishSource = () => {
    if (sourceDone) return;
    sourceDone = true;
    opts.onSourceDone?.();
  };

  const out = new Readable({
    // The reader asks for more: serve it from memory, then from the file, then the source's end.
    read() {
      readerWaiting = true;
      serve();
    },
    destroy(err, cb) {
      // The reader went away (or the stream failed): stop Tableau if it is still sending.
      if (sourceState === 'open') {
        sourceState = 'failed';
        source.destroy();
      }
      finishSource();
      memory.length = 0;
      toWrite = [];
      cleaning = true;
      cleanUp();
      cb(err);
    },
  }) as Readable & { settled: Promise<void> };
  Object.defineProperty(out, 'settled', { value: settled });

  const caughtUp = () => memory.length === 0 && toWrite.length === 0 && !writing && readAt === written;

  function serve(): void {
    if (!readerWaiting || out.destroyed) return;
    if (memory.length) {
      const chunk = memory.shift()!;
      memoryLength -= chunk.length;
      readerWaiting = false;
      out.push(chunk);
      return;
    }
    if (file && readAt < written) {
      if (reading) return;
      reading = true;
      const at = readAt;
      const buffer = Buffer.allocUnsafe(Math.min(FILE_READ_BYTES, written - at));
      read(file.fd, buffer, 0, buffer.length, at, (err, n) => {
        reading = false;
        if (cleaning) return cleanUp();
        if (err || n === 0) return out.destroy(diskError(err ?? new Error('the temp file ended early'), opts.tmpDir));
        readAt = at + n;
        // The file is read only once memory is empty: the rest of this read goes first in line.
        for (let from = READER_CHUNK_BYTES; from < n; from += READER_CHUNK_BYTES) {
          const part = buffer.subarray(from, Math.min(n, from + READER_CHUNK_BYTES));
          memory.push(part);
          memoryLength += part.length;
        }
        readerWaiting = false;
        out.push(buffer.subarray(0, Math.min(n, READER_CHUNK_BYTES)));
      });
      return;
    }
    if (!caughtUp() || sourceState === 'open') return; // more is coming: pushed when it is in
    readerWaiting = false;
    if (sourceState === 'ended') {
      out.push(null);
      return;
    }
    // Every byte before the failure is read: the error goes out only once the reader's own buffer is
    // empty too, else destroying would drop those bytes. An empty push ends this read call without
    // adding data, so the next read() asks again (Node docs: readable.push('')).
    if (out.readableLength === 0) out.destroy(sourceError);
    else out.push(Buffer.alloc(0));
  }

  function keep(chunk: Buffer): void {
    if (spilling && caughtUp() && !opening) spilling = false; // the reader read all of the file: memory again
    if (!spilling && memoryLength + chunk.length <= memoryBytes) {
      memory.push(chunk);
      memoryLength += chunk.length;
      return serve();
    }
    spilling = true;
    toWrite.push(chunk);
    if (file) flush();
    else if (!opening) openFile();
  }

  function openFile(): void {
    opening = true;
    const path = join(opts.tmpDir ?? tmpdir(), `tableau-export-${randomUUID()}.tmp`);
    // 'wx+': a new file only (never one that exists), read and written through this one descriptor.
    open(path, 'wx+', 0o600, (err, fd) => {
      opening = false;
      if (!err) file = { fd, path };
      if (cleaning) return cleanUp();
      if (err) return out.destroy(diskError(err, opts.tmpDir));
      flush();
    });
  }

  function flush(): void {
    if (!file || writing || cleaning || toWrite.length === 0) return;
    writing = true;
    const chunks = toWrite;
    toWrite = [];
    writev(file.fd, chunks, written, (err, n) => {
      writing = false;
      if (cleaning) return cleanUp();
      if (err) return out.destroy(diskError(err, opts.tmpDir));
      written += n;
      const total = chunks.reduce((sum, c) => sum + c.length, 0);
      // A short write leaves the rest first in line for the next one.
      if (n < total) toWrite.unshift(Buffer.concat(chunks).subarray(n));
      flush();
      serve();
    });
  }

  function cleanUp(): void {
    if (opening || writing || reading) return; // each of these calls back here when it finishes
    if (!file) return resolveSettled();
    const { fd, path } = file;
    file = null;
    close(fd, () => unlink(path, () => resolveSettled()));
  }

  const take = (chunk: Buffer) => (opts.edit ? opts.edit.chunk(chunk) : chunk);
  source.on('data', (chunk: Buffer | string) => {
    if (sourceState !== 'open') return;
    const bytes = take(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (bytes?.length) keep(bytes);
  });
  source.on('end', () => {
    if (sourceState !== 'open') return;
    const tail = opts.edit?.end();
    if (tail?.length) keep(tail);
    sourceState = 'ended';
    finishSource();
    serve();
  });
  const fail = (err: Error) => {
    if (sourceState !== 'open') return;
    sourceState = 'failed';
    sourceError = err;
    finishSource();
    serve();
  };
  source.on('error', fail);
  // Closed before its end without an error of its own: the body is cut (stream.pipeline's premature close).
  source.on('close', () => {
    if (!source.readableEnded) fail(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
  });
  return out as ReadAheadStream;
}

/** The server's disk, not Tableau, failed: say where and what to do. */
function diskError(cause: unknown, dir: string | undefined): Error {
  const code = (cause as { code?: string })?.code;
  return Object.assign(
    new Error(
      `The server could not keep Tableau's answer in a temp file in ${dir ?? tmpdir()}${code ? ` (${code})` : ''}: ` +
        'free disk space there, or point TMPDIR at a folder the server may write to, and try again.',
      { cause },
    ),
    { code: 'internal' },
  );
}
