import type { FastifyInstance } from 'fastify';

import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { parsePageRequest, takePage } from '../paging.js';
import { listJson } from '../resources/common.js';
import type { SiteContent } from '../state/site.js';
import { queryOf, requireSession } from './common.js';

/** Server info (no auth) and sites. */
export function serverRoutes(app: FastifyInstance, ctx: SimContext): void {
  // tableau-mcp calls /serverinfo, TSC /serverInfo (docs/tableau-rest.md#versions); the XML text node becomes `value`.
  const serverInfo = async () => ({
    serverInfo: {
      productVersion: { value: ctx.version.productVersion, build: ctx.version.build },
      restApiVersion: ctx.version.restApiVersion,
    },
  });
  app.get('/api/:version/serverinfo', serverInfo);
  app.get('/api/:version/serverInfo', serverInfo);

  const siteJson = (s: SiteContent) => ({
    id: s.site.id,
    name: s.site.name,
    contentUrl: s.site.contentUrl,
    adminMode: 'ContentAndUsers',
    state: 'Active',
    revisionHistoryEnabled: 'true',
    revisionLimit: '25',
    extractEncryptionMode: 'enabled',
    catalogingEnabled: 'true',
    runNowEnabled: 'true',
    timeZone: 'Europe/Berlin',
  });

  app.get('/api/:version/sites', async (request) => {
    requireSession(ctx, request);
    const { page, pagination } = takePage(ctx.state.sites(), parsePageRequest(queryOf(request)));
    return { pagination, sites: listJson('site', page.map(siteJson)) };
  });

  /** `GET /sites/{id}`, or `/sites/{name|contentUrl}?key=name|contentUrl` (REST docs tip). */
  app.get('/api/:version/sites/:siteId', async (request) => {
    const session = requireSession(ctx, request);
    const { siteId } = request.params as { siteId: string };
    const key = queryOf(request).key;
    const site =
      key === 'contentUrl'
        ? ctx.state.siteByContentUrl(siteId)
        : key === 'name'
          ? ctx.state.sites().find((s) => s.site.name === siteId)
          : ctx.state.site(siteId);
    if (!site || site.site.id !== session.siteId) throw errors.notFound('site', siteId);
    return { site: siteJson(site) };
  });
}
