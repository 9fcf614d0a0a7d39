/**
 * NDJSON framing of the typed result stream (common/stream.ts), for the server (encode) and for the
 * add-in and tests (decode). No Node imports: this file runs in the task pane too.
 */
import type { StreamMessage } from './stream.js';

export const STREAM_ENDED_EARLY = 'The result stream ended early';

/** One message as one line (JSON never contains a raw newline, so '\n' is a safe frame end). */
export function encodeMessage(msg: StreamMessage): string {
  return JSON.stringify(msg) + '\n';
}

const KINDS = new Set(['meta', 'rows', 'progress', 'end', 'error']);

function parseLine(line: string): StreamMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new Error('The result stream is damaged: a line is not valid JSON');
  }
  const kind = (msg as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw new Error('The result stream is damaged: a line is not a stream message');
  }
  return msg as StreamMessage;
}

/**
 * Splits decoded text chunks into messages. A line spread over many chunks is kept as parts and
 * joined once (no quadratic re-scanning of a growing string: batches can be megabytes long).
 * Stops at the first terminal message; throws when the text ends before one.
 */
async function* splitMessages(texts: AsyncIterable<string>): AsyncGenerator<StreamMessage> {
  let parts: string[] = [];
  for await (const text of texts) {
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      let line = text.slice(start, nl);
      if (parts.length) {
        parts.push(line);
        line = parts.join('');
        parts = [];
      }
      if (line.length > 0 && line !== '\r') {
        const msg = parseLine(line);
        yield msg;
        if (msg.kind === 'end' || msg.kind === 'error') return;
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) parts.push(start === 0 ? text : text.slice(start));
  }
  const rest = parts.join('').trim();
  if (rest) {
    const msg = parseLine(rest);
    yield msg;
    if (msg.kind === 'end' || msg.kind === 'error') return;
  }
  throw new Error(STREAM_ENDED_EARLY);
}

async function* decodeBytes(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  // Stream mode keeps a UTF-8 sequence split across two chunks intact.
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * The part of a WHATWG ReadableStream (a fetch() body, https://streams.spec.whatwg.org/) this file
 * reads, written out so common/ compiles without DOM or Node types (common/tsconfig.json).
 */
interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(): Promise<void>;
    releaseLock(): void;
  };
}

async function* readWebStream(body: ByteStream): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    // Stopping early (terminal message or consumer break) must release the HTTP body.
    reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Messages of a fetch() body. Throws STREAM_ENDED_EARLY when the body ends without `end`/`error`. */
export function decodeStream(body: ByteStream): AsyncGenerator<StreamMessage> {
  return splitMessages(decodeBytes(readWebStream(body)));
}

/**
 * Reads a line's bytes into something else than its message, or gives null: then the line is
 * decoded and parsed as usual. The pull worker reads rows lines straight into columnar form with one
 * (addin/api/rows-scan.ts).
 */
export type LineReader<T> = (line: Uint8Array) => T | null;

function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/**
 * splitMessages on bytes: lines are split at the byte 0x0A (in UTF-8 never part of another
 * character, RFC 3629 §3) and each is offered to `readLine` before it is decoded. Decoding line by
 * line gives the text decodeBytes gives: no character spans a line end, and the BOM is dropped only
 * at the start of the stream (https://encoding.spec.whatwg.org/#interface-textdecoder), as there.
 */
async function* splitByteMessages<T extends { kind: string }>(
  chunks: AsyncIterable<Uint8Array>,
  readLine: LineReader<T>,
): AsyncGenerator<StreamMessage | T> {
  const first = new TextDecoder('utf-8');
  const rest = new TextDecoder('utf-8', { ignoreBOM: true });
  let atStart = true;
  const message = (bytes: Uint8Array): StreamMessage | T | null => {
    const read = bytes.length > 0 ? readLine(bytes) : null;
    const decoder = atStart ? first : rest;
    atStart = false;
    if (read !== null) return read;
    const line = decoder.decode(bytes);
    return line.length > 0 && line !== '\r' ? parseLine(line) : null;
  };
  let parts: Uint8Array[] = [];
  for await (const chunk of chunks) {
    let start = 0;
    let nl = chunk.indexOf(10);
    while (nl !== -1) {
      let line = chunk.subarray(start, nl);
      if (parts.length) {
        parts.push(line);
        line = concatBytes(parts);
        parts = [];
      }
      const msg = message(line);
      if (msg) {
        yield msg;
        if (msg.kind === 'end' || msg.kind === 'error') return;
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) parts.push(start === 0 ? chunk : chunk.subarray(start));
  }
  const tail = (atStart ? first : rest).decode(concatBytes(parts)).trim();
  if (tail) {
    const msg = parseLine(tail);
    yield msg;
    if (msg.kind === 'end' || msg.kind === 'error') return;
  }
  throw new Error(STREAM_ENDED_EARLY);
}

/** decodeStream with a LineReader offered each line's bytes first. */
export function decodeStreamLines<T extends { kind: string }>(
  body: ByteStream,
  readLine: LineReader<T>,
): AsyncGenerator<StreamMessage | T> {
  return splitByteMessages(readWebStream(body), readLine);
}

/** Messages of a Node readable (or any async iterable of bytes/strings). Same rules as decodeStream. */
export function decodeNodeStream(readable: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamMessage> {
  return splitMessages(decodeBytes(readable));
}
