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

/** Messages of a Node readable (or any async iterable of bytes/strings). Same rules as decodeStream. */
export function decodeNodeStream(readable: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamMessage> {
  return splitMessages(decodeBytes(readable));
}
