/**
 * Writes (server/tableau/provisioning.ts) through the client's retry loop: a 429 is waited out and the
 * call sent again, but a 5xx or a connection lost after the request went out is not retried, because
 * Tableau may have done it (http.ts `write`); reads keep retrying those.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, PAT, startFake } from './fake.js';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** A fake whose POST /users answers the scripted steps in order, then 201 with the user. */
async function scripted(script: Array<number | 'reset-after-adding'>) {
  let i = 0;
  let added = 0;
  const f = await startFake({}, (x) =>
    x.app.post('/api/:v/sites/:site/users', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      const step = script[i++];
      if (step === 'reset-after-adding') {
        added++;
        req.raw.socket.destroy();
        return reply;
      }
      if (step !== undefined) return reply.code(step).type('text/html').send(`<html><body>${step}</body></html>`);
      added++;
      return reply
        .code(201)
        .send({ user: { id: 'u-1', name: 'nina', siteRole: 'Viewer', authSetting: 'ServerDefault', externalAuthUserId: '' } });
    }),
  );
  fakes.push(f);
  return { f, calls: () => i, added: () => added };
}

const connect = (f: Fake) =>
  TableauClient.connect({ serverUrl: f.url, siteContentUrl: '', auth: PAT, sessions: new SessionCache(), clock: fakeClock() });

describe('writes and retries', () => {
  it('sends a write again after a 429 (Tableau did nothing)', async () => {
    const { f, calls, added } = await scripted([429, 429]);
    const c = await connect(f);
    await expect(c.writer.addUser({ name: 'nina', siteRole: 'Viewer' })).resolves.toMatchObject({ id: 'u-1', siteRole: 'Viewer' });
    expect(calls()).toBe(3);
    expect(added()).toBe(1);
  });

  it('does not send a write again after a 502 or a lost connection: the caller must read the site', async () => {
    const gateway = await scripted([502]);
    const c = await connect(gateway.f);
    await expect(c.writer.addUser({ name: 'nina', siteRole: 'Viewer' })).rejects.toMatchObject({ httpStatus: 502 });
    expect(gateway.calls()).toBe(1);

    const lost = await scripted(['reset-after-adding']);
    const c2 = await connect(lost.f);
    const err = await c2.writer.addUser({ name: 'nina', siteRole: 'Viewer' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TableauError' });
    expect((err as { httpStatus?: number }).httpStatus).toBeUndefined();
    expect(lost.calls()).toBe(1);
    expect(lost.added()).toBe(1);
  });
});
