import { describe, expect, it } from 'vitest';

import { decodeNodeStream, decodeStream, decodeStreamLines, encodeMessage, STREAM_ENDED_EARLY } from '../../common/ndjson.js';
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

async function collect<M = StreamMessage>(gen: AsyncIterable<M>): Promise<M[]> {
  const out: M[] = [];
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

describe('decodeStreamLines', () => {
  const none = () => null;
  it.each([1, 2, 3, 7, 64, 100_000])('gives what decodeStream gives with %i-byte chunks when the reader takes nothing', async (size) => {
    expect(await collect(decodeStreamLines(webStream(chunked(bytes, size)), none))).toEqual(messages);
  });

  it('offers each line whole, as bytes, and yields what the reader returns instead', async () => {
    const seen: string[] = [];
    const reader = (line: Uint8Array) => {
      const text = new TextDecoder().decode(line);
      seen.push(text);
      return text.startsWith('{"kind":"rows"') ? { kind: 'read' as const, chars: text.length } : null;
    };
    const out = await collect(decodeStreamLines(webStream(chunked(bytes, 3)), reader));
    expect(seen).toEqual(messages.map((m) => JSON.stringify(m)));
    expect(out).toEqual([messages[0], { kind: 'read', chars: JSON.stringify(messages[1]).length }, messages[2], messages[3]]);
  });

  it('drops a BOM at the start of the stream only, takes CRLF, a last line without newline, and stops at the terminal message', async () => {
    const text = '\uFEFF' + messages.map(encodeMessage).join('').replace(/\n/g, '\r\n').trimEnd();
    const data = new TextEncoder().encode(text);
    expect(await collect(decodeStreamLines(webStream(chunked(data, 5)), none))).toEqual(messages);
    const bomLater = new TextEncoder().encode(encodeMessage(messages[0]) + '\uFEFF' + encodeMessage(messages[3]));
    await expect(collect(decodeStreamLines(webStream([bomLater]), none))).rejects.toThrow(/damaged/);
    await expect(collect(decodeStream(webStream([bomLater])))).rejects.toThrow(/damaged/);
    const cut = new TextEncoder().encode(messages.slice(0, 2).map(encodeMessage).join(''));
    await expect(collect(decodeStreamLines(webStream(chunked(cut, 10)), none))).rejects.toThrow(STREAM_ENDED_EARLY);
  });
});
