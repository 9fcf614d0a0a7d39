import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';

import type { StreamMessage } from '../../../common/stream.js';
import { acceptsGzip, isLoopback, ndjsonBody, peekFirst, shouldCompress, withTerminal } from '../../../server/http/stream.js';
import { drainedOrClosed } from '../../../server/pull/drain.js';
import { limitRows } from '../../../server/pull/limit-rows.js';
import { TableauError } from '../../../server/tableau/errors.js';

const meta: StreamMessage = { kind: 'meta', columns: [{ name: 'n', type: 'integer', format: '0' }] };
const rows = (...ns: number[]): StreamMessage => ({ kind: 'rows', rows: ns.map((n) => [n]) });
const end = (rowCount: number, truncated = false): StreamMessage => ({ kind: 'end', rowCount, truncated });

async function* from(messages: StreamMessage[], onReturn?: () => void) {
  try {
    for (const m of messages) yield m;
  } finally {
    onReturn?.();
  }
}
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const m of it) out.push(m);
  return out;
};

describe('limitRows', () => {
  it('passes everything through without a limit', async () => {
    const all = [meta, rows(1, 2), end(2)];
    expect(await collect(limitRows(from(all)))).toEqual(all);
  });

  it('cuts inside a batch, says truncated, and stops the producer', async () => {
    let stopped = false;
    const out = await collect(
      limitRows(
        from([meta, rows(1, 2), rows(3, 4), rows(5), end(5)], () => (stopped = true)),
        3,
      ),
    );
    expect(out).toEqual([meta, rows(1, 2), rows(3), end(3, true)]);
    expect(stopped).toBe(true);
  });

  it('is not truncated when the data ends exactly at the limit', async () => {
    expect(await collect(limitRows(from([meta, rows(1, 2), rows(), end(2)]), 2))).toEqual([meta, rows(1, 2), end(2)]);
  });

  it('is truncated when more rows follow a batch that reached the limit', async () => {
    expect(await collect(limitRows(from([meta, rows(1, 2), rows(3), end(3)]), 2))).toEqual([meta, rows(1, 2), end(2, true)]);
  });

  it('keeps the producer truncation flag when it cut first', async () => {
    expect(await collect(limitRows(from([meta, rows(1), end(1, true)]), 10))).toEqual([meta, rows(1), end(1, true)]);
  });
});

describe('withTerminal', () => {
  it('turns a failure into an error message with the API error body', async () => {
    async function* failing(): AsyncGenerator<StreamMessage> {
      yield meta;
      throw new TableauError({ code: 'rate-limited', message: 'Too many requests.' });
    }
    const seen: unknown[] = [];
    const out = await collect(withTerminal(failing(), (e) => seen.push(e)));
    expect(out).toEqual([meta, { kind: 'error', error: { code: 'rate-limited', message: 'Too many requests.' } }]);
    expect(seen).toHaveLength(1);
  });

  it('hides unexpected errors behind a generic message', async () => {
    // eslint-disable-next-line require-yield -- a producer that fails before its first message
    async function* failing(): AsyncGenerator<StreamMessage> {
      throw new Error('secret internals at /home/x');
    }
    const out = await collect(withTerminal(failing()));
    expect(out[0]).toMatchObject({ kind: 'error', error: { code: 'internal' } });
    expect(JSON.stringify(out)).not.toContain('secret internals');
  });

  it('reports a stream that stops without end', async () => {
    expect((await collect(withTerminal(from([meta, rows(1)])))).at(-1)).toMatchObject({ kind: 'error', error: { code: 'incomplete' } });
  });
});

describe('peekFirst', () => {
  it('throws before anything is sent when the first message fails', async () => {
    // eslint-disable-next-line require-yield -- a producer that fails before its first message
    async function* bad(): AsyncGenerator<StreamMessage> {
      throw new Error('nope');
    }
    await expect(peekFirst(bad())).rejects.toThrow('nope');
  });

  it('replays the first message then the rest', async () => {
    expect(await collect(await peekFirst(from([meta, rows(1), end(1)])))).toEqual([meta, rows(1), end(1)]);
  });
});

describe('ndjsonBody', () => {
  const all = [meta, rows(1, 2), end(2)];
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('writes one JSON message per line', async () => {
    const chunks = await collect(ndjsonBody(from(all), false));
    expect(lines(chunks.join(''))).toEqual(all);
  });

  it('gzips with a flush per message', async () => {
    const chunks = (await collect(ndjsonBody(from(all), true))) as Buffer[];
    // A sync flush per message means compressed output appears before the stream ends.
    expect(chunks.length).toBeGreaterThanOrEqual(all.length);
    expect(lines(gunzipSync(Buffer.concat(chunks)).toString('utf8'))).toEqual(all);
  });
});

describe('drainedOrClosed', () => {
  it('leaves no listener behind, whichever event comes first', async () => {
    const s = new PassThrough();
    for (let k = 0; k < 20; k++) {
      const waiting = drainedOrClosed(s);
      s.emit('drain');
      await waiting;
    }
    expect(s.listenerCount('drain')).toBe(0);
    expect(s.listenerCount('close')).toBe(0);
    const closing = drainedOrClosed(s);
    s.destroy();
    await closing;
    expect(s.listenerCount('drain')).toBe(0);
  });

  it('keeps gzip backpressure waits free of leaked listeners', async () => {
    const many: StreamMessage[] = [
      meta,
      ...Array.from({ length: 40 }, (_, k) => rows(...Array.from({ length: 5000 }, (_, j) => k * 5000 + j))),
      end(200_000),
    ];
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const body = ndjsonBody(from(many), true);
      const chunks: Buffer[] = [];
      // A slow reader: the gzip stream fills up and the writer waits for 'drain' many times.
      for await (const c of body) {
        chunks.push(c as Buffer);
        await new Promise((r) => setImmediate(r));
      }
      expect(gunzipSync(Buffer.concat(chunks)).toString('utf8').trim().split('\n')).toHaveLength(many.length);
      expect(body.listenerCount('drain')).toBe(0);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

describe('shouldCompress', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.4.5.6', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['192.168.1.20', true],
    ['::ffff:10.0.0.7', true],
    ['fe80::1', true],
    [undefined, true],
  ])('a gzip-accepting client at %s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(address !== undefined && !expected);
    expect(shouldCompress('gzip', address)).toBe(expected);
  });

  it('never compresses for a client that does not accept gzip; compressLoopback forces loopback', () => {
    expect(shouldCompress('identity', '10.0.0.7')).toBe(false);
    expect(shouldCompress('gzip', '127.0.0.1', true)).toBe(true);
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['gzip;q=0', false],
    ['identity', false],
    [undefined, false],
    ['*', true],
  ])('%s → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
});
