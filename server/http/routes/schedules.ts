/**
 * Server schedules and their snapshots (mounted under /api, behind the session hook):
 *
 *   GET    /schedules                       -> { schedules: ScheduleInfo[] }   (with last run status)
 *   POST   /schedules        CreateSchedule  -> 201 { schedule: ScheduleInfo }
 *   PUT    /schedules/:sid   UpdateSchedule  -> { schedule: ScheduleInfo }
 *   DELETE /schedules/:sid                  -> 204 (its runs and data go too)
 *   POST   /schedules/:sid/run              -> 202 { run }   (409 while it runs)
 *   GET    /schedules/:sid/runs?limit       -> { runs: ScheduleRunInfo[] }     (newest first)
 *   GET    /snapshots/latest?scheduleId     -> typed result stream (NDJSON) of the latest
 *                                              successful run; header X-Data-As-Of
 *
 * The schedule service (server/services/schedules.ts) keeps the store and the runner in step; the
 * runner starts when the app is ready and stops (recording interrupted runs) when it closes,
 * before the store is closed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { STREAM_CONTENT_TYPE } from '../../../common/stream.js';
import type { Logger } from '../../log.js';
import type { ScheduleRunner } from '../../schedule/runner.js';
import { dataAsOf } from '../../schedule/snapshot-stream.js';
import type { ScheduleService, ScheduleServiceOptions } from '../../services/schedules.js';
import { sessionOf } from '../auth.js';
import type { RouteContext, RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { createScheduleSchema, latestSnapshotQuery, runsQuery, scheduleParams, updateScheduleSchema } from '../schedule-schemas.js';
import { acceptsGzip, ndjsonBody, peekFirst, withTerminal } from '../stream.js';

export interface SchedulingOptions extends Partial<ScheduleServiceOptions> {
  /** Start the runner with the app (default true; tests may drive start() themselves). */
  autoStart?: boolean;
}

export interface Scheduling {
  service: ScheduleService;
  runner: ScheduleRunner;
  routes: RouteModule;
}

const scheduleIdOf = (request: FastifyRequest) => parseInput(scheduleParams, request.params, 'schedule id').sid;

/** The schedule service over the app's services, and the routes that call it (tests keep the handle). */
export function createScheduling(ctx: RouteContext, options: SchedulingOptions & { logger: Logger }): Scheduling {
  const service = ctx.services.scheduling(options);
  // Tableau's refresh events arrive outside /api (routes/tableau-hooks.ts) and belong to this service.
  ctx.callbacks.tableauEvents = service;
  ctx.callbacks.connectionRemoving = (userId, connectionId) => service.connectionRemoving(userId, connectionId);
  const routes: RouteModule = (app) => {
    registerScheduleRoutes(app, service);
    if (options.autoStart ?? true) app.addHook('onReady', async () => service.start());
    ctx.readiness.add('scheduler', () => (service.runner.isStarted() ? undefined : 'not started'));
    app.addHook('onClose', async () => service.stop());
  };
  return { service, runner: service.runner, routes };
}

/** buildApp's default: scheduling with the real clock, logging through the app's logger. */
export function scheduleRoutes(options: SchedulingOptions = {}): RouteModule {
  return (app, ctx) => createScheduling(ctx, { ...options, logger: options.logger ?? (app.log as Logger) }).routes(app, ctx);
}

function registerScheduleRoutes(app: FastifyInstance, schedules: ScheduleService): void {
  app.get('/schedules', async (request) => ({ schedules: await schedules.list(sessionOf(request).userId) }));

  app.post('/schedules', async (request, reply) => {
    const body = parseInput(createScheduleSchema, request.body, 'schedule');
    const created = await schedules.create(sessionOf(request).userId, body);
    request.log.info({ scheduleId: created.id, connectionId: created.connectionId, spec: created.spec.kind }, 'schedule created');
    return reply.status(201).send({ schedule: created });
  });

  app.put('/schedules/:sid', async (request) => {
    const body = parseInput(updateScheduleSchema, request.body, 'schedule change');
    return { schedule: await schedules.update(sessionOf(request).userId, scheduleIdOf(request), body) };
  });

  app.delete('/schedules/:sid', async (request, reply) => {
    const id = scheduleIdOf(request);
    await schedules.delete(sessionOf(request).userId, id);
    request.log.info({ scheduleId: id }, 'schedule deleted');
    return reply.status(204).send();
  });

  app.post('/schedules/:sid/run', async (request, reply) => {
    const run = await schedules.runNow(sessionOf(request).userId, scheduleIdOf(request));
    return reply.status(202).send({ run });
  });

  app.get('/schedules/:sid/runs', async (request) => {
    const { limit } = parseInput(runsQuery, request.query, 'query');
    return { runs: await schedules.runs(sessionOf(request).userId, scheduleIdOf(request), limit) };
  });

  // compress: false — @fastify/compress would buffer; ndjsonBody gzips and flushes per message.
  app.get('/snapshots/latest', { compress: false }, async (request, reply) => {
    const { scheduleId } = parseInput(latestSnapshotQuery, request.query, 'query');
    const { run, messages } = await schedules.latestSnapshot(sessionOf(request).userId, scheduleId);
    const body = await peekFirst(
      withTerminal(messages, (err) => request.log.warn({ err, scheduleId, runId: run.id }, 'snapshot read failed while streaming')),
    );
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    reply
      .header('content-type', STREAM_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('x-data-as-of', dataAsOf(run));
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return reply.send(ndjsonBody(body, gzip));
  });
}
