import type { SimContext } from './context.js';
import type { SimDataHost } from './data/host.js';
import { vdsErrorBody } from './data/vds/errors.js';
import { SimError } from './errors.js';
import { requireSession } from './routes/common.js';

/** The core's side of the contract with the data half (server/sim/data/host.ts). */
export function createDataHost(ctx: SimContext): SimDataHost {
  return {
    productVersion: () => ctx.version.productVersion,
    vdsEnabled: () => ctx.vdsEnabled,
    authenticate(request, reply, shape = 'rest') {
      try {
        const s = requireSession(ctx, request);
        return { siteId: s.siteId, userId: s.userId };
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        void reply.code(e.status).send(shape === 'vds' ? vdsErrorBody(e.code, e.detail) : e.body());
        return null;
      }
    },
    findView(siteId, viewId) {
      const v = ctx.state.site(siteId)?.views.get(viewId);
      return v && { id: v.id, name: v.name, workbookId: v.workbookId, sheetType: v.sheetType, dataKey: v.dataKey };
    },
    findCustomView(siteId, customViewId) {
      const cv = ctx.state.site(siteId)?.customViews.get(customViewId);
      return cv && { id: cv.id, name: cv.name, viewId: cv.viewId, filters: { ...cv.filters } };
    },
    findDatasource(siteId, luid) {
      const d = ctx.state.site(siteId)?.datasources.get(luid);
      return d && { id: d.id, name: d.name, dataKey: d.dataKey, apiAccess: d.apiAccess };
    },
  };
}
