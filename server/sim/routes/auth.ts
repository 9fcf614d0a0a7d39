import type { FastifyInstance } from 'fastify';

import { credentialsJson, verifySignIn, verifySwitchSite } from '../auth.js';
import { isoSeconds } from '../clock.js';
import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { requireSession } from './common.js';

/** auth/signin, auth/signout, auth/switchSite, sessions/current (docs/tableau-rest.md#sign-in). */
export function authRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/api/:version/auth/signin', async (request) => {
    const { site, user, patKey } = verifySignIn(ctx.state, request.body, ctx.clock.now());
    const session = ctx.sessions.create(site.site.id, user.id, patKey);
    user.lastLogin = isoSeconds(ctx.clock.now());
    site.touch();
    return credentialsJson(session, site);
  });

  // Tableau answers 204 No Content to a sign-out.
  app.post('/api/:version/auth/signout', async (request, reply) => {
    const session = requireSession(ctx, request);
    ctx.sessions.invalidate(session.token);
    return reply.code(204).send();
  });

  app.post('/api/:version/auth/switchSite', async (request) => {
    const from = requireSession(ctx, request);
    const { site, user } = verifySwitchSite(ctx.state, from, request.body);
    ctx.sessions.invalidate(from.token);
    // The new session still belongs to the same PAT: signing in with it again ends this one too.
    return credentialsJson(ctx.sessions.create(site.site.id, user.id, from.patKey), site);
  });

  app.get('/api/:version/sessions/current', async (request) => {
    const session = requireSession(ctx, request);
    const site = ctx.state.site(session.siteId);
    const user = site?.users.get(session.userId);
    if (!site || !user) throw errors.invalidCredentials();
    return {
      session: {
        site: { id: site.site.id, name: site.site.name, contentUrl: site.site.contentUrl },
        user: {
          id: user.id,
          name: user.name,
          siteRole: user.siteRole,
          ...(user.lastLogin ? { lastLogin: user.lastLogin } : {}),
          externalAuthUserId: '',
        },
      },
    };
  });
}
