import { afterEach, describe, expect, it } from 'vitest';

import { type Job, SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, PAT, startFake } from './fake.js';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** Job answers: InProgress for `polls` polls, then `final`. */
async function setup(final: Record<string, unknown> | null, polls = 3, restApiVersion = '3.28') {
  const refreshes: Array<{ url: string; body: unknown }> = [];
  let seen = 0;
  const f = await startFake({ restApiVersion }, (x) => {
    x.app.post('/api/:v/sites/:site/:kind/:id/refresh', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      refreshes.push({ url: req.url, body: req.body });
      return reply
        .code(202)
        .send({ job: { id: 'job-1', mode: 'Asynchronous', type: 'RefreshExtract', createdAt: '2026-01-01T00:00:00Z' } });
    });
    x.app.get('/api/:v/sites/:site/jobs/:id', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      if (final === null || seen++ < polls) return { job: { id: 'job-1', progress: String(seen * 10), type: 'RefreshExtract' } };
      return { job: { id: 'job-1', ...final } };
    });
  });
  fakes.push(f);
  const clock = fakeClock();
  const c = await TableauClient.connect({ serverUrl: f.url, siteContentUrl: '', auth: PAT, sessions: new SessionCache(), clock });
  return { c, clock, refreshes };
}

describe('extract refresh', () => {
  it('starts a refresh (data source and workbook) and returns the job id', async () => {
    const { c, refreshes } = await setup({ finishCode: '0' });
    expect(await c.refreshExtract({ kind: 'datasource', id: 'ds-1' })).toBe('job-1');
    expect(await c.refreshExtract({ kind: 'workbook', id: 'wb-1', incremental: true })).toBe('job-1');
    expect(refreshes).toEqual([
      { url: expect.stringMatching(/\/datasources\/ds-1\/refresh$/), body: {} },
      { url: expect.stringMatching(/\/workbooks\/wb-1\/refresh$/), body: { extractRefresh: { incremental: true } } },
    ]);
  });

  it('refuses incremental refresh before REST 3.25', async () => {
    const { c, refreshes } = await setup({ finishCode: '0' }, 0, '3.24');
    await expect(c.refreshExtract({ kind: 'datasource', id: 'ds-1', incremental: true })).rejects.toMatchObject({
      code: 'feature-unavailable',
    });
    expect(refreshes).toHaveLength(0);
  });

  it('polls with TSC backoff (0.5 s ×1.4) until finishCode 0 and reports each status', async () => {
    const { c, clock } = await setup({ finishCode: '0', progress: '100' }, 4);
    const statuses: Job[] = [];
    const job = await c.waitForJob('job-1', { onStatus: (j) => statuses.push(j) });
    expect(job.finishCode).toBe(0);
    expect(statuses).toHaveLength(5);
    expect(clock.sleeps.map(Math.round)).toEqual([500, 700, 980, 1372]);
  });

  it('caps the poll interval at 30 s', async () => {
    const { c, clock } = await setup({ finishCode: '0' }, 20);
    await c.waitForJob('job-1', { deadlineMs: 24 * 3600_000 });
    expect(Math.max(...clock.sleeps)).toBe(30_000);
  });

  it('throws extract-refresh-failed with the job notes when finishCode is 1', async () => {
    const { c } = await setup({
      finishCode: '1',
      notes: 'The database login failed.',
      statusNotes: { statusNote: [{ type: 'ErrorInfo', text: 'Bad password' }] },
    });
    const err = await c.waitForJob('job-1').catch((e) => e);
    expect(err).toMatchObject({ code: 'extract-refresh-failed' });
    expect(err.message).toContain('The database login failed.');
    expect(err.message).toContain('Bad password');
  });

  it('reports a cancelled job', async () => {
    const { c } = await setup({ finishCode: '2' });
    await expect(c.waitForJob('job-1')).rejects.toThrow(/cancelled/);
  });

  it('times out at the deadline', async () => {
    const { c, clock } = await setup(null);
    await expect(c.waitForJob('job-1', { deadlineMs: 10_000 })).rejects.toMatchObject({ code: 'timeout' });
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});
