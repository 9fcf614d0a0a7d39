import type { HealthResponse } from '../../../common/api.js';
import type { RouteModule } from '../context.js';

/**
 * GET /health (no auth): liveness, version, and the embedded demo site so the pane can prefill.
 * GET /health/ready (no auth): readiness for a proxy or orchestrator (readiness.ts): 200 when the
 * store answers and the scheduler has started, else 503 with the checks that are not 'ok'.
 */
export const healthRoutes: RouteModule = (app, ctx) => {
  app.get('/health', async (): Promise<HealthResponse> => ({
    ok: true,
    version: ctx.version,
    ...(ctx.demo ? { demo: ctx.demo } : {}),
  }));

  app.get('/health/ready', async (_request, reply) => {
    const report = await ctx.readiness.report();
    // A probe must never see a cached answer (RFC 9111 §5.2.2.5 no-store).
    return reply
      .status(report.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });
};
