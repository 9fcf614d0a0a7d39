import { describe, expect, it } from 'vitest';

import { decodeNodeStream } from '../../../common/ndjson.js';
import type { StreamMessage } from '../../../common/stream.js';
import { ndjsonBody, withTerminal } from '../../../server/http/stream.js';
import { PullDataError, toStreamError } from '../../../server/pull/errors.js';
import { collect } from '../pull/helpers.js';

/**
 * The product's one typed-stream → NDJSON path (server/http/stream.ts, used by the pull route):
 * one line per message, exactly one terminal message, plain words on failure, backpressure.
 */
const typedStreamToNdjson = (messages: AsyncIterable<StreamMessage>) => ndjsonBody(withTerminal(messages), false);

const META: StreamMessage = { kind: 'meta', columns: [{ name: 'a', type: 'integer', format: '0' }] };

describe("the pull route's NDJSON body", () => {
  it('writes each message as one NDJSON line', async () => {
    async function* messages(): AsyncGenerator<StreamMessage> {
      yield META;
      yield { kind: 'rows', rows: [[1], [2]] };
      yield { kind: 'end', rowCount: 2, truncated: false };
    }
    const body = typedStreamToNdjson(messages());
    expect(await collect(decodeNodeStream(body as AsyncIterable<Buffer>))).toEqual([
      META,
      { kind: 'rows', rows: [[1], [2]] },
      { kind: 'end', rowCount: 2, truncated: false },
    ]);
  });

  it('ends with an error message in plain words when the producer throws, without leaking details', async () => {
    async function* messages(): AsyncGenerator<StreamMessage> {
      yield META;
      throw new Error('connect ECONNREFUSED https://tableau.example.com/?token=SECRET-TOKEN');
    }
    const text = await readAll(typedStreamToNdjson(messages()));
    expect(text).not.toMatch(/SECRET|ECONNREFUSED|at .*\.ts/);
    const out = await collect(decodeNodeStream([text] as unknown as AsyncIterable<string>));
    expect(out.at(-1)).toMatchObject({ kind: 'error', error: { code: 'internal' } });
  });

  it('uses toApiError() when the thrown object has one', async () => {
    const err = { toApiError: () => ({ code: 'session-expired', message: 'Sign in again', tableauCode: '401002' }) };
    async function* messages(): AsyncGenerator<StreamMessage> {
      if (err) throw err;
      yield META;
    }
    expect(await collect(withTerminal(messages()))).toEqual([
      { kind: 'error', error: { code: 'session-expired', message: 'Sign in again', tableauCode: '401002' } },
    ]);
  });

  it('adds an error when the producer stops without a terminal message', async () => {
    async function* messages(): AsyncGenerator<StreamMessage> {
      yield META;
    }
    const out = await collect(withTerminal(messages()));
    expect(out.at(-1)).toMatchObject({ kind: 'error', error: { code: 'incomplete' } });
  });

  it('pulls from the producer only as the reader reads (backpressure)', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<StreamMessage> {
      yield META;
      for (;;) {
        produced++;
        yield { kind: 'rows', rows: [[produced, 'x'.repeat(10_000)]] };
      }
    }
    const body = typedStreamToNdjson(endless()) as NodeJS.ReadableStream & { destroy(): void };
    const it = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(produced).toBeLessThan(50);
    body.destroy();
  });
});

describe('toStreamError', () => {
  it('passes PullDataError fields and hides anything else', () => {
    expect(toStreamError(new PullDataError('bad-csv', 'Broken', 'Fix it', '123'))).toEqual({
      kind: 'error',
      error: { code: 'bad-csv', message: 'Broken', hint: 'Fix it', tableauCode: '123' },
    });
    expect(toStreamError('boom').error.code).toBe('internal');
    expect(toStreamError({ toApiError: () => 42 }).error.code).toBe('internal');
    expect(
      toStreamError({
        toApiError: () => {
          throw new Error('x');
        },
      }).error.code,
    ).toBe('internal');
  });
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}
