/**
 * Publishing a table to Tableau (common/publish.ts, server/services/publish.ts):
 *   POST /connections/:cid/publish/dry-run  PublishTable        -> PublishPlan
 *   POST /connections/:cid/publish/apply    PublishApplyRequest -> PublishResult
 * A 409 plan-changed carries the new plan beside the error (PlanChangedBody), so the pane shows it
 * for a new confirmation without another dry run.
 */
import { type PlanChangedBody, publishApplyRequestSchema, publishTableSchema } from '../../../common/publish.js';
import { PlanChangedError } from '../../services/publish.js';
import { sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { connectionIdOf } from './connections.js';

export const publishRoutes: RouteModule = (app, { services: { publish } }) => {
  app.post('/connections/:cid/publish/dry-run', async (request) => {
    const table = parseInput(publishTableSchema, request.body, 'table');
    return publish.dryRun(sessionOf(request).userId, connectionIdOf(request), table);
  });

  app.post('/connections/:cid/publish/apply', async (request, reply) => {
    const body = parseInput(publishApplyRequestSchema, request.body, 'apply request');
    try {
      const result = await publish.apply(sessionOf(request).userId, connectionIdOf(request), body);
      request.log.info({ kind: result.kind, summary: result.summary, calls: result.callsMade }, 'publish applied');
      return result;
    } catch (e) {
      if (!(e instanceof PlanChangedError)) throw e;
      const answer: PlanChangedBody = { error: e.body, plan: e.plan };
      return reply.code(e.status).send(answer);
    }
  });
};
