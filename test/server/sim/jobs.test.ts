import { afterEach, describe, expect, it, vi } from 'vitest';

import { ManualClock } from '../../../server/sim/clock.js';
import { getDataset } from '../../../server/sim/data/catalog.js';
import { type Harness, harness } from './helpers.js';

describe('extract refresh jobs', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  const dsId = (name: string) => [...h.demoSite.datasources.values()].find((d) => d.name === name)!.id;
  const refresh = (token: string, kind: 'datasources' | 'workbooks', id: string) =>
    h.raw('POST', `/api/3.28/sites/${h.siteId}/${kind}/${id}/refresh`, token, '<tsRequest/>');

  it('moves Pending → InProgress → Success with time and calls the hook once', async () => {
    const clock = new ManualClock();
    const hook = vi.fn();
    h = await harness({ clock, jobs: { mode: 'time', pendingMs: 1000, runMs: 5000 }, onExtractRefreshed: hook });
    const token = await h.signIn();
    const id = dsId('Superstore Orders');
    const versionBefore = getDataset('superstore-orders')!.version;
    const res = await refresh(token, 'datasources', id);
    expect(res.status).toBe(200);
    expect(res.body.job).toEqual({
      id: expect.any(String),
      mode: 'Asynchronous',
      type: 'RefreshExtract',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      extractRefreshJob: { datasource: { id, name: 'Superstore Orders' } },
    });
    const job = () => h.get(`jobs/${res.body.job.id}`, token).then((r) => r.body.job);
    expect(await job()).toMatchObject({ progress: '0' });
    expect((await job()).finishCode).toBeUndefined();
    clock.advance(1500);
    expect(await job()).toMatchObject({ progress: '50', startedAt: expect.any(String) });
    expect(hook).not.toHaveBeenCalled();
    clock.advance(5000);
    expect(await job()).toMatchObject({ progress: '100', finishCode: '0', completedAt: expect.any(String) });
    await job();
    expect(hook).toHaveBeenCalledTimes(1);
    expect(hook).toHaveBeenCalledWith(id);
    expect(getDataset('superstore-orders')!.version).toBe(versionBefore + 1);
    const list = await h.get(`jobs?filter=status:eq:Success,jobType:eq:refresh_extracts`, token);
    expect(list.body.backgroundJobs.backgroundJob.map((j: { id: string }) => j.id)).toContain(res.body.job.id);
  });

  it('fails the seeded failing data source: finishCode 1, statusNotes, status Failed, no hook', async () => {
    const hook = vi.fn();
    h = await harness({ jobs: { mode: 'poll', pollsPerStage: 1 }, onExtractRefreshed: hook });
    const token = await h.signIn();
    const res = await refresh(token, 'datasources', dsId('Legacy Sales Extract'));
    const poll = () => h.get(`jobs/${res.body.job.id}`, token).then((r) => r.body.job);
    expect((await poll()).progress).toBe('0');
    expect((await poll()).progress).toBe('50');
    const done = await poll();
    expect(done).toMatchObject({ finishCode: '1', progress: '100' });
    expect(done.statusNotes.statusNote[0]).toMatchObject({ type: 'ErrorInfo', text: expect.stringContaining('failed') });
    const list = await h.get('jobs?filter=status:eq:Failed', token);
    expect(list.body.backgroundJobs.backgroundJob.map((j: { id: string }) => j.id)).toContain(res.body.job.id);
    expect(hook).not.toHaveBeenCalled();
  });

  it('refreshes workbooks, runs tasks now, and 404s unknown targets', async () => {
    const hook = vi.fn();
    h = await harness({ jobs: { mode: 'poll', pollsPerStage: 1 }, onExtractRefreshed: hook });
    const token = await h.signIn();
    const wb = [...h.demoSite.workbooks.values()].find((w) => w.name === 'Finance Overview')!;
    const res = await refresh(token, 'workbooks', wb.id);
    expect(res.body.job.extractRefreshJob).toEqual({ workbook: { id: wb.id, name: 'Finance Overview' } });
    for (let i = 0; i < 3; i++) await h.get(`jobs/${res.body.job.id}`, token);
    expect(hook).toHaveBeenCalledWith(wb.id);
    const task = [...h.demoSite.tasks.values()][0];
    const run = await h.raw('POST', `/api/3.28/sites/${h.siteId}/tasks/extractRefreshes/${task.id}/runNow`, token);
    expect(run.body.job.type).toBe('RefreshExtract');
    expect((await refresh(token, 'datasources', 'nope')).body.error.code).toBe('404004');
    expect((await h.get('jobs/nope', token)).body.error.code).toBe('404018');
  });

  it('lists jobs as backgroundJobs.backgroundJob with string priority', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.get('jobs', token);
    expect(res.body.pagination.totalAvailable).toBe('3');
    expect(res.body.backgroundJobs.backgroundJob[0]).toMatchObject({ status: 'Success', priority: '50', jobType: 'refresh_extracts' });
    expect((await h.get('jobs?filter=status:eq:Cancelled', token)).body.backgroundJobs).toEqual({});
  });
});
