import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { faultSpecSchema } from '../faults.js';

const specs = z.union([faultSpecSchema, z.array(faultSpecSchema)]);
const settingsPatch = z.strictObject({ metadataEnabled: z.boolean().optional() });

function parseSpecs(body: unknown) {
  const parsed = specs.safeParse(body);
  if (!parsed.success) throw errors.badRequest(`Invalid fault spec: ${z.prettifyError(parsed.error)}`);
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

/**
 * Test controls under /_sim (never faulted, no auth — the simulator only listens on loopback):
 * GET lists faults, POST adds, PUT replaces, DELETE clears (or one by id).
 */
export function controlRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/_sim/faults', async () => ({ faults: ctx.faults.list() }));
  app.post('/_sim/faults', async (request, reply) => {
    const ids = parseSpecs(request.body).map((s) => ctx.faults.add(s));
    return reply.code(201).send({ ids, faults: ctx.faults.list() });
  });
  app.put('/_sim/faults', async (request) => {
    const ids = ctx.faults.set(parseSpecs(request.body));
    return { ids, faults: ctx.faults.list() };
  });
  app.delete('/_sim/faults', async (_request, reply) => {
    ctx.faults.clear();
    return reply.code(204).send();
  });
  app.delete('/_sim/faults/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!ctx.faults.remove(id)) throw errors.badRequest(`No fault '${id}'.`);
    return reply.code(204).send();
  });
  // Webhooks of every site with the outcome of their last delivery, and the recent deliveries (webhooks.ts).
  app.get('/_sim/webhooks', async () => ({
    webhooks: [...ctx.webhooks.webhooks.values()].map((w) => ({ ...w })),
  }));
  app.get('/_sim/webhooks/deliveries', async () => ({ deliveries: ctx.webhooks.deliveries() }));
  // Export calls per site: in flight now, the most at once, refused by the limit (exports.ts).
  app.get('/_sim/exports', async () => ({ limit: ctx.exports.limit, sites: ctx.exports.readings() }));
  app.delete('/_sim/exports', async (_request, reply) => {
    ctx.exports.reset();
    return reply.code(204).send();
  });
  // The switches a test flips while the product runs (today: the Metadata API, metadata/routes.ts).
  app.patch('/_sim/settings', async (request) => {
    const parsed = settingsPatch.safeParse(request.body);
    if (!parsed.success) throw errors.badRequest(`Invalid settings: ${z.prettifyError(parsed.error)}`);
    if (parsed.data.metadataEnabled !== undefined) ctx.metadataEnabled = parsed.data.metadataEnabled;
    return { metadataEnabled: ctx.metadataEnabled };
  });
  app.get('/_sim/settings', async () => ({
    productVersion: ctx.version.productVersion,
    restApiVersion: ctx.version.restApiVersion,
    vdsEnabled: ctx.vdsEnabled,
    metadataEnabled: ctx.metadataEnabled,
    sessionIdleMs: ctx.sessions.idleMs,
    jobTiming: ctx.jobs.timing,
    webhooks: ctx.webhooks.settings,
    exportLimit: ctx.exports.limit,
  }));
}
