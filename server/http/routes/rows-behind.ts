/**
 * A dashboard's worksheets and the rows behind a view (server/services/rows-behind.ts; docs/rows-behind.md).
 */

import { type DashboardSheetsResponse, rowsBehindRequestSchemaWith, type RowsBehindResponse } from '../../../common/rows-behind.js';
import { sessionOf } from '../auth.js';
import { SERVER_BOUNDS } from '../bounds.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { connectionParams, idSchema } from '../schemas.js';

const viewParams = connectionParams.extend({ vid: idSchema });
const rowsBehindBody = rowsBehindRequestSchemaWith(SERVER_BOUNDS);

export const rowsBehindRoutes: RouteModule = (app, { services: { rowsBehind } }) => {
  app.get('/connections/:cid/views/:vid/sheets', async (request): Promise<DashboardSheetsResponse> => {
    const { cid, vid } = parseInput(viewParams, request.params, 'view id');
    return rowsBehind.dashboardSheets(sessionOf(request).userId, cid, vid);
  });

  app.post('/connections/:cid/views/:vid/rows-behind', async (request): Promise<RowsBehindResponse> => {
    const { cid, vid } = parseInput(viewParams, request.params, 'view id');
    const body = parseInput(rowsBehindBody, request.body ?? {}, 'request body');
    return rowsBehind.rowsBehind(sessionOf(request).userId, cid, vid, body);
  });
};
