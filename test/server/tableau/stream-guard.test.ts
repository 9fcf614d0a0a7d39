/**
 * guardBody (server/tableau/http.ts) on its own: a slow READER is not a stalled Tableau, a silent
 * source is; and the idle setting from the environment.
 */
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { idleTimeoutFromEnv } from '../../../server/services/tableau.js';
import { guardBody } from '../../../server/tableau/http.js';
import { StreamInterruptedError } from '../../../server/tableau/network-errors.js';
import { memoryLogger } from './fake.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('guardBody', () => {
  it('a reader that stops reading for longer than the idle timeout is not a stall (backpressure)', async () => {
    const source = new PassThrough();
    const logger = memoryLogger();
    const body = guardBody(source, { idleTimeoutMs: 100, logger, label: 'GET /x', origin: 'http://t:80' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    // Fill every buffer: the guard's PassThrough fills up and pauses the source.
    for (let i = 0; i < 8; i++) source.write(chunk);
    await sleep(350);
    expect(body.destroyed).toBe(false);
    source.end();
    let total = 0;
    for await (const c of body) total += (c as Buffer).length;
    expect(total).toBe(8 * chunk.length);
    expect(logger.lines.join('\n')).not.toContain('stopped sending');
  });

  it('a source that goes silent while we wait fails as stalled, once, with the idle time in its words', async () => {
    const source = new PassThrough();
    const logger = memoryLogger();
    const body = guardBody(source, { idleTimeoutMs: 100, logger, label: 'GET /x', origin: 'http://t:80' });
    source.write('a,b\n1,2\n');
    const err = await (async () => {
      for await (const c of body) void c;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ code: 'stream-stalled', bytes: 8 });
    expect(err.withRows(1).message).toBe(
      'Tableau stopped sending data for 100 ms after 1 row; the previous data in your table is kept. Try again.',
    );
    expect(source.destroyed).toBe(true);
    expect(logger.lines.filter((l) => l.includes('stopped sending'))).toHaveLength(1);
  });

  it('a reader that stops early (destroy) closes the download quietly', async () => {
    const source = new PassThrough();
    const logger = memoryLogger();
    const body = guardBody(source, { idleTimeoutMs: 100, logger, label: 'GET /x', origin: 'http://t:80' });
    source.write('x');
    body.destroy();
    await sleep(150);
    expect(source.destroyed).toBe(true);
    expect(logger.lines).toEqual([]);
  });
});

describe('TABLEAU_IDLE_TIMEOUT_MS', () => {
  it('unset → the default; a whole number of ms in range → it; anything else names the setting', () => {
    expect(idleTimeoutFromEnv({})).toBeUndefined();
    expect(idleTimeoutFromEnv({ TABLEAU_IDLE_TIMEOUT_MS: ' 90000 ' })).toBe(90_000);
    for (const bad of ['abc', '10', '1.5', '99999999']) {
      expect(() => idleTimeoutFromEnv({ TABLEAU_IDLE_TIMEOUT_MS: bad })).toThrow(
        /TABLEAU_IDLE_TIMEOUT_MS must be a whole number of milliseconds/,
      );
    }
  });
});
