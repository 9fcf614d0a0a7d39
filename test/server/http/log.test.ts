import { Writable } from 'node:stream';

import { createLogger, isSecretKey, REDACTED, scrub } from '../../../server/log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('log redaction', () => {
  it('names secret-looking keys in any case and separator style', () => {
    for (const k of [
      'Authorization',
      'X-Tableau-Auth',
      'patSecret',
      'PAT_SECRET',
      'password',
      'jwt',
      'sessionToken',
      'personalAccessTokenSecret',
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['patName', 'username', 'serverUrl', 'message']) expect(isSecretKey(k), k).toBe(false);
  });

  it('removes secrets at any depth, inside arrays, and from axios-like errors', async () => {
    const { lines, logger } = capture();
    const err = Object.assign(new Error('Request failed with status code 401'), {
      code: 'ERR_BAD_REQUEST',
      config: {
        headers: { 'X-Tableau-Auth': 'tok-AAA' },
        data: '{"credentials":{"personalAccessTokenSecret":"pat-BBB"}}',
      },
    });
    logger.info({ body: { auth: { kind: 'pat', patName: 'me', patSecret: 'pat-CCC' } }, list: [{ password: 'pw-DDD' }] }, 'connect');
    logger.error({ err }, 'failed');
    logger.info({ headers: { authorization: 'Bearer tok-EEE' }, deep: { a: { b: { c: { jwt: 'jwt-FFF' } } } } });
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    for (const secret of ['tok-AAA', 'pat-BBB', 'pat-CCC', 'pw-DDD', 'tok-EEE', 'jwt-FFF']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"patName":"me"');
    expect(text).toContain('Request failed with status code 401');
    expect(text).toContain('ERR_BAD_REQUEST');
    expect(text).toContain(REDACTED);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(scrub(a)).toEqual({ name: 'a', self: '[circular]' });
  });
});

describe('console format', () => {
  function captureFormat(pretty: boolean | undefined) {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return { lines, logger: createLogger({ level: 'debug', destination, pretty }) };
  }

  it('prints one readable line per event for a terminal, secrets still scrubbed', async () => {
    const { lines, logger } = captureFormat(true);
    logger.info({ auth: { patName: 'me', patSecret: 'pat-GGG' }, headers: { 'X-Tableau-Auth': 'tok-HHH' } }, 'connect');
    logger.debug({ method: 'GET', path: '/health', status: 200, ms: 2 }, 'GET /health 200');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: connect /m);
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] DEBUG: GET \/health 200 /m);
    expect(text).not.toMatch(/^\{/m); // not JSON
    for (const secret of ['pat-GGG', 'tok-HHH']) expect(text).not.toContain(secret);
    expect(text).toContain('"patName":"me"');
  });

  it('writes JSON lines when not asked for pretty output (a file, a pipe, a service manager)', async () => {
    const { lines, logger } = captureFormat(undefined);
    logger.info({ password: 'pw-III' }, 'json');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(lines.join(''))).toMatchObject({ level: 30, msg: 'json', password: REDACTED });
  });
});
