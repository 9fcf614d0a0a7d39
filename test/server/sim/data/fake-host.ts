import Fastify, { type FastifyInstance } from 'fastify';

import type { Clock } from '../../../../server/sim/clock.js';
import type { SimCustomViewRef, SimDataHost, SimDatasourceRef, SimViewRef } from '../../../../server/sim/data/host.js';
import { registerSimDataRoutes } from '../../../../server/sim/data/routes.js';

export interface FakeState {
  version: string;
  vds: boolean;
}

/** A minimal core: token "good" signs in to site "s1"; content is the given views and data sources. */
export function buildApp(
  state: FakeState,
  content: { views?: SimViewRef[]; customViews?: SimCustomViewRef[]; datasources?: SimDatasourceRef[] } = {},
  clock?: Clock,
): FastifyInstance {
  const app = Fastify();
  const host: SimDataHost = {
    productVersion: () => state.version,
    vdsEnabled: () => state.vds,
    authenticate: (request, reply, shape = 'rest') => {
      if (request.headers['x-tableau-auth'] === 'good') return { siteId: 's1', userId: 'u1' };
      const detail = 'Invalid authentication credentials were provided.';
      void reply
        .code(401)
        .send(
          shape === 'vds'
            ? { errorCode: '401002', message: detail, datetime: new Date().toISOString() }
            : { error: { code: '401002', summary: 'Unauthorized Access', detail } },
        );
      return null;
    },
    findView: (_s, id) => content.views?.find((v) => v.id === id),
    findCustomView: (_s, id) => content.customViews?.find((v) => v.id === id),
    findDatasource: (_s, id) => content.datasources?.find((d) => d.id === id),
  };
  registerSimDataRoutes(app, host, clock);
  return app;
}
