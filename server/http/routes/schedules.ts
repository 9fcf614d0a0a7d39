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
 * A schedule belongs to the session that created it and runs with that session's stored
 * connection; another session's schedule id answers 404, like an unknown one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { STREAM_CONTENT_TYPE } from '../../../common/stream.js';
import { runsQuery, latestSnapshotQuery, scheduleParams, createScheduleSchema, updateScheduleSchema, DEFAULT_HISTORY_LIMIT } from '../../schedule/schemas.js';
import { ScheduleError } from '../../schedule/errors.js';
import type { ScheduleRunner } from '../../schedule/runner.js';
import { dataAsOf, snapshotMessages } from '../../schedule/snapshot-stream.js';
import { toScheduleInfo, type ScheduleInfo } from '../../schedule/views.js';
import type { ConnectionStore } from '../../store/connections.js';
import type { ScheduleRecord, ScheduleStore } from '../../store/schedules.js';
import type { SnapshotStore } from '../../store/snapshots.js';
import { describeSource } from '../pull-source.js';
import { sessionOf } from '../auth.js';
import { ApiError, notFound, parseInput } from '../errors.js';
import { acceptsGzip, ndjsonBody, peekFirst, withTerminal } from '../stream.js';

export interface ScheduleRouteDeps {
  schedules: ScheduleStore;
  snapshots: SnapshotStore;
  runner: ScheduleRunner;
  connections: ConnectionStore;
  /** Runs kept per schedule when the request names no historyLimit (default 30). */
  defaultHistoryLimit?: number;
}

const noSchedule = () => notFound('No such schedule. It may have been deleted.');
const noConnection = () => notFound('No such connection. It may have been removed; connect again.');

function asApiError(err: unknown): unknown {
  return err instanceof ScheduleError ? new ApiError(err.status, err.toApiError()) : err;
}

export function registerScheduleRoutes(app: FastifyInstance, deps: ScheduleRouteDeps): void {
  const { schedules, snapshots, runner, connections } = deps;

  const ownSchedule = (request: FastifyRequest, id?: string): ScheduleRecord => {
    const sid = id ?? parseInput(scheduleParams, request.params, 'schedule id').sid;
    const found = schedules.get(sessionOf(request).id, sid);
    if (!found) throw noSchedule();
    return found;
  };

  const info = (schedule: ScheduleRecord): ScheduleInfo =>
    toScheduleInfo(schedule, {
      nextRunAt: runner.nextRunAt(schedule.id),
      lastRun: snapshots.last(schedule.id),
      latestSucceeded: snapshots.latestSucceeded(schedule.id),
    });

  app.get('/schedules', async (request) => ({ schedules: schedules.list(sessionOf(request).id).map(info) }));

  app.post('/schedules', async (request, reply) => {
    const body = parseInput(createScheduleSchema, request.body, 'schedule');
    const sessionId = sessionOf(request).id;
    if (!connections.get(sessionId, body.connectionId)) throw noConnection();
    const created = schedules.create(sessionId, {
      ...body,
      historyLimit: body.historyLimit ?? deps.defaultHistoryLimit ?? DEFAULT_HISTORY_LIMIT,
    });
    runner.upsert(created);
    request.log.info({ scheduleId: created.id, connectionId: created.connectionId, spec: created.spec.kind }, 'schedule created');
    return reply.status(201).send({ schedule: info(created) });
  });

  app.put('/schedules/:sid', async (request) => {
    const body = parseInput(updateScheduleSchema, request.body, 'schedule change');
    const current = ownSchedule(request);
    const sessionId = sessionOf(request).id;
    if (body.connectionId && !connections.get(sessionId, body.connectionId)) throw noConnection();
    const updated = schedules.update(sessionId, current.id, body);
    if (!updated) throw noSchedule();
    runner.upsert(updated);
    return { schedule: info(updated) };
  });

  app.delete('/schedules/:sid', async (request, reply) => {
    const { id } = ownSchedule(request);
    runner.remove(id);
    schedules.delete(sessionOf(request).id, id);
    request.log.info({ scheduleId: id }, 'schedule deleted');
    return reply.status(204).send();
  });

  app.post('/schedules/:sid/run', async (request, reply) => {
    const { id } = ownSchedule(request);
    try {
      const { run } = runner.runNow(id);
      return reply.status(202).send({ run });
    } catch (err) {
      throw asApiError(err);
    }
  });

  app.get('/schedules/:sid/runs', async (request) => {
    const { limit } = parseInput(runsQuery, request.query, 'query');
    const { id } = ownSchedule(request);
    return { runs: snapshots.list(id, limit) };
  });

  // compress: false — @fastify/compress would buffer; ndjsonBody gzips and flushes per message.
  app.get('/snapshots/latest', { compress: false }, async (request, reply) => {
    const { scheduleId } = parseInput(latestSnapshotQuery, request.query, 'query');
    const schedule = ownSchedule(request, scheduleId);
    const run = snapshots.latestSucceeded(schedule.id);
    if (!run) {
      throw new ApiError(404, {
        code: 'no-snapshot',
        message: 'This schedule has no successful run yet.',
        hint: 'Run it now, or wait for its next scheduled time.',
      });
    }
    const messages = await peekFirst(
      withTerminal(snapshotMessages(snapshots, run, describeSource(schedule.source)), (err) =>
        request.log.warn({ err, scheduleId: schedule.id, runId: run.id }, 'snapshot read failed while streaming'),
      ),
    );
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    reply
      .header('content-type', STREAM_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('x-data-as-of', dataAsOf(run));
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return reply.send(ndjsonBody(messages, gzip));
  });
}
