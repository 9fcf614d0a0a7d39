import type { FastifyInstance } from 'fastify';

import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { search, type SearchQuery } from '../search.js';
import { queryOf, requireSession } from './common.js';

/** Content exploration search: not versioned in the path, site from the session (docs/tableau-rest.md#endpoints-we-browse). */
export function searchRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/-/search', async (request) => {
    const session = requireSession(ctx, request);
    const site = ctx.state.site(session.siteId);
    if (!site) throw errors.invalidCredentials();
    return search(site, queryOf(request) as SearchQuery);
  });
}
