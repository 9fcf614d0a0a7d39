/**
 * Connections: POST proves the credentials with Tableau, saves them and hands the add-in a session
 * token (server/services/connections.ts); list, delete, sign out. Another user's connection id is
 * simply "not found" (a single analyst's session is its own user; a team server's user is the
 * Tableau identity the sign-in proved).
 */
import type { FastifyRequest } from 'fastify';

import { bearerToken, sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { connectionParams, connectRequestSchema } from '../schemas.js';

/** The `:cid` of a connection route, parsed (400 when malformed). */
export function connectionIdOf(request: FastifyRequest): string {
  return parseInput(connectionParams, request.params, 'connection id').cid;
}

export const connectionRoutes: RouteModule = (app, { services: { connections }, callbacks }) => {
  app.post('/connections', { config: { auth: 'optional' } }, async (request, reply) => {
    const body = parseInput(connectRequestSchema, request.body, 'connection');
    const session = request.session
      ? { id: request.session.id, userId: request.session.userId, token: bearerToken(request.headers.authorization)! }
      : undefined;
    const response = await connections.connect(body, session);
    const { connection } = response;
    request.log.info(
      {
        connectionId: connection.id,
        serverUrl: body.serverUrl,
        resolvedServerUrl: connection.resolvedServerUrl,
        site: body.siteContentUrl,
      },
      'connection saved',
    );
    return reply.status(201).send(response);
  });

  app.get('/connections', async (request) => ({ connections: await connections.list(sessionOf(request).userId) }));

  app.delete('/connections/:cid', async (request, reply) => {
    const { userId } = sessionOf(request);
    const cid = connectionIdOf(request);
    // Its schedules go with it; their Tableau webhooks go first, while its credentials still work.
    await callbacks.connectionRemoving?.(userId, cid);
    await connections.remove(userId, cid);
    return reply.status(204).send();
  });

  app.post('/connections/:cid/signout', async (request, reply) => {
    await connections.signOut(sessionOf(request).userId, connectionIdOf(request));
    return reply.status(204).send();
  });
};
