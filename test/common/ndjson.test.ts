import { describe, expect, it } from 'vitest';

import { decodeNodeStream, decodeStream, encodeMessage, STREAM_ENDED_EARLY } from '../../common/ndjson.js';
import type { StreamMessage } from '../../common/stream.js';

const messages: StreamMessage[] = [
  {
    kind: 'meta',
    columns: [
      { name: 'Ünïcode 😀', type: 'text', format: '@' },
      { name: 'n', type: 'integer', format: '#,##0' },
    ],
    source: 'A / B',
  },
  {
    kind: 'rows',
    rows: [
      ['line\nbreak "quoted" \\ 日本', 1],
      [null, -2.5],
    ],
  },
  { kind: 'progress', stage: 'extract-refresh', message: 'Refreshing' },
  { kind: 'end', rowCount: 2, truncated: false },
];
const bytes = new TextEncoder().encode(messages.map(encodeMessage).join(''));

function* chunked(data: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(gen: AsyncIterable<StreamMessage>): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  for await (const m of gen) out.push(m);
  return out;
}

function webStream(chunks: Iterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.iterator]();
  return new ReadableStream({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

describe('encodeMessage', () => {
  it('writes exactly one line per message', () => {
    for (const m of messages) {
      const line = encodeMessage(m);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
    }
  });
});

describe('decodeStream / decodeNodeStream', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('round-trips with %i-byte chunks (split UTF-8 and lines)', async (size) => {
    expect(await collect(decodeNodeStream(chunked(bytes, size) as unknown as AsyncIterable<Uint8Array>))).toEqual(messages);
    expect(await collect(decodeStream(webStream(chunked(bytes, size))))).toEqual(messages);
  });

  it('accepts string chunks and CRLF line ends', async () => {
    const text = messages.map(encodeMessage).join('').replace(/\n/g, '\r\n');
    async function* strings() {
      for (let i = 0; i < text.length; i += 5) yield text.slice(i, i + 5);
    }
    expect(await collect(decodeNodeStream(strings()))).toEqual(messages);
  });

  it('throws when the stream ends without end or error', async () => {
    const cut = new TextEncoder().encode(messages.slice(0, 2).map(encodeMessage).join(''));
    await expect(collect(decodeStream(webStream(chunked(cut, 10))))).rejects.toThrow(STREAM_ENDED_EARLY);
    const half = bytes.subarray(0, bytes.length - 5);
    await expect(collect(decodeNodeStream(chunked(half, 10) as unknown as AsyncIterable<Uint8Array>))).rejects.toThrow(
      /ended early|damaged/,
    );
  });

  it('stops at an error message and reports damaged lines', async () => {
    const withError = encodeMessage({ kind: 'error', error: { code: 'server-error', message: 'Nope' } }) + 'garbage\n';
    const out = await collect(decodeNodeStream([new TextEncoder().encode(withError)] as unknown as AsyncIterable<Uint8Array>));
    expect(out).toEqual([{ kind: 'error', error: { code: 'server-error', message: 'Nope' } }]);
    await expect(collect(decodeNodeStream(['{"kind":"rows"\n'] as unknown as AsyncIterable<string>))).rejects.toThrow(/damaged/);
    await expect(collect(decodeNodeStream(['{"what":1}\n'] as unknown as AsyncIterable<string>))).rejects.toThrow(/damaged/);
  });

  it('accepts a last line without a newline', async () => {
    const text = messages.map(encodeMessage).join('').trimEnd();
    expect(await collect(decodeNodeStream([text] as unknown as AsyncIterable<string>))).toEqual(messages);
  });
});
