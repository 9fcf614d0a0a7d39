import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { jobDetailJson, jobs, refreshJobJson } from '../jobs.js';
import type { Json } from '../resources/common.js';
import { listJson, str } from '../resources/common.js';
import type { SimTask } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import { listResponse, requireSite } from './common.js';

const S = '/api/:version/sites/:siteId';

/** tasks_with_workbook.xml: `tasks.task[].extractRefresh` with a Server-style named schedule. */
function taskJson(t: SimTask): Json {
  return {
    extractRefresh: {
      id: t.id,
      priority: str(t.priority),
      consecutiveFailedCount: str(t.consecutiveFailedCount),
      type: 'RefreshExtractTask',
      schedule: {
        id: t.schedule.id,
        name: t.schedule.name,
        state: 'Active',
        priority: str(t.priority),
        createdAt: t.schedule.createdAt,
        updatedAt: t.schedule.updatedAt,
        type: 'Extract',
        frequency: t.schedule.frequency,
        nextRunAt: t.schedule.nextRunAt,
      },
      [t.target.kind]: { id: t.target.id },
    },
  };
}

/** Extract refreshes, jobs and extract refresh tasks. */
export function jobRoutes(app: FastifyInstance, ctx: SimContext): void {
  const refresh = (site: SiteContent, kind: 'datasource' | 'workbook', id: string, request: FastifyRequest) => {
    const item = kind === 'datasource' ? site.datasources.get(id) : site.workbooks.get(id);
    if (!item) throw errors.notFound(kind, id);
    // A seeded failing extract, or a refreshFails fault on this request (faults.ts).
    const fails = item.refreshFails === true || request.simFaults?.refreshFails === true;
    const job = ctx.jobs.startRefresh(site, { kind, id, name: item.name }, fails);
    return { job: refreshJobJson(job) };
  };
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post(`${S}/datasources/:id/refresh`, async (request) =>
    refresh(requireSite(ctx, request).site, 'datasource', idOf(request), request),
  );
  app.post(`${S}/workbooks/:id/refresh`, async (request) => refresh(requireSite(ctx, request).site, 'workbook', idOf(request), request));

  app.get(`${S}/jobs`, async (request) => listResponse(jobs, requireSite(ctx, request).site, request));

  app.get(`${S}/jobs/:id`, async (request) => {
    const { site } = requireSite(ctx, request);
    const job = site.jobs.get(idOf(request));
    if (!job) throw errors.notFound('job', idOf(request));
    const body = { job: jobDetailJson(job) };
    ctx.jobs.observe(job);
    return body;
  });

  // Not paged on real servers (docs/tableau-rest.md#paging).
  app.get(`${S}/tasks/extractRefreshes`, async (request) => {
    const { site } = requireSite(ctx, request);
    return { tasks: listJson('task', [...site.tasks.values()].map(taskJson)) };
  });

  app.get(`${S}/tasks/extractRefreshes/:id`, async (request) => {
    const { site } = requireSite(ctx, request);
    const task = site.tasks.get(idOf(request));
    if (!task) throw errors.notFound('task', idOf(request));
    return { task: taskJson(task) };
  });

  app.post(`${S}/tasks/extractRefreshes/:id/runNow`, async (request) => {
    const { site } = requireSite(ctx, request);
    const task = site.tasks.get(idOf(request));
    if (!task) throw errors.notFound('task', idOf(request));
    return refresh(site, task.target.kind, task.target.id, request);
  });
}
