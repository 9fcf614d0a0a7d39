/**
 * Connections: sign in to Tableau to prove the credentials, save them (secret sealed), hand the
 * add-in a session token. Another session's connection id is simply "not found".
 */
import type { FastifyRequest } from 'fastify';
import type { ConnectResponse } from '../../../common/api.js';
import type { ConnectionWithAuth } from '../../store/connections.js';
import type { RouteContext, RouteModule } from '../app.js';
import { bearerToken, sessionOf } from '../auth.js';
import { notFound, parseInput } from '../errors.js';
import { connectionParams, connectRequestSchema } from '../schemas.js';
import type { Tableau } from '../tableau.js';

/** The caller's own connection `:cid`, or 404 (unknown and foreign ids look the same). */
export function ownConnection(ctx: RouteContext, request: FastifyRequest): ConnectionWithAuth {
  const { cid } = parseInput(connectionParams, request.params, 'connection id');
  const found = ctx.store.connections.get(sessionOf(request).id, cid);
  if (!found) throw notFound('No such connection. It may have been removed; connect again.');
  return found;
}

export async function clientOf(ctx: RouteContext, request: FastifyRequest): Promise<{ client: Tableau; connection: ConnectionWithAuth }> {
  const connection = ownConnection(ctx, request);
  return { client: await ctx.clients.get(connection), connection };
}

export function defaultLabel(serverUrl: string, siteContentUrl: string): string {
  return `${new URL(serverUrl).host} / ${siteContentUrl || 'Default'}`;
}

export const connectionRoutes: RouteModule = (app, ctx) => {
  app.post('/connections', { config: { auth: 'optional' } }, async (request, reply) => {
    const body = parseInput(connectRequestSchema, request.body, 'connection');
    // Sign in first (a fresh sign-in, see http/tableau.ts): nothing is saved and no session is
    // created for credentials Tableau refuses.
    const probe = await ctx.tableau({ serverUrl: body.serverUrl, siteContentUrl: body.siteContentUrl, auth: body.auth }, 'fresh');
    const info = probe.serverInfo;
    // The probe's session is not kept: requests use the shared session (signed in on first use).
    await probe.signOut().catch(() => undefined);
    let session = request.session;
    let token = session ? bearerToken(request.headers.authorization)! : undefined;
    if (!session) ({ token, session } = ctx.store.sessions.create());
    const connection = ctx.store.connections.save(session.id, {
      label: body.label ?? defaultLabel(body.serverUrl, body.siteContentUrl),
      serverUrl: body.serverUrl,
      // Where an allowed redirect led (a Cloud pod): recorded and shown, never the identity.
      resolvedServerUrl: probe.serverUrl,
      siteContentUrl: body.siteContentUrl,
      auth: body.auth,
      productVersion: info.productVersion,
      restApiVersion: info.restApiVersion,
    });
    // New credentials for an existing connection: the next request connects with them.
    ctx.clients.forget(connection.id);
    request.log.info(
      { connectionId: connection.id, serverUrl: body.serverUrl, resolvedServerUrl: connection.resolvedServerUrl, site: body.siteContentUrl },
      'connection saved',
    );
    const response: ConnectResponse = { sessionToken: token!, connection };
    return reply.status(201).send(response);
  });

  app.get('/connections', async (request) => ({ connections: ctx.store.connections.list(sessionOf(request).id) }));

  app.delete('/connections/:cid', async (request, reply) => {
    const { info } = ownConnection(ctx, request);
    await ctx.clients.signOut(info.id);
    ctx.store.connections.delete(sessionOf(request).id, info.id);
    return reply.status(204).send();
  });

  app.post('/connections/:cid/signout', async (request, reply) => {
    const { info } = ownConnection(ctx, request);
    await ctx.clients.signOut(info.id);
    return reply.status(204).send();
  });
};
