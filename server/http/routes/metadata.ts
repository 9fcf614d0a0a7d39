/**
 * Tableau's Metadata API through a saved connection (server/services/metadata.ts): a data source's
 * field meanings, a view's lineage, a sheet's published data sources with their fields, a workbook's
 * dashboards and their sheets. Answers are the contracts of common/metadata.ts.
 */

import type {
  DatasourceFieldsAnswer,
  SheetDatasourcesAnswer,
  ViewLineageAnswer,
  WorkbookDashboardsAnswer,
} from '../../../common/metadata.js';
import { sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { connectionParams, datasourceParams, idSchema, workbookParams } from '../schemas.js';

const viewParams = connectionParams.extend({ vid: idSchema });

export const metadataRoutes: RouteModule = (app, { services: { metadata } }) => {
  app.get('/connections/:cid/metadata/datasources/:dsid/fields', async (request): Promise<DatasourceFieldsAnswer> => {
    const { cid, dsid } = parseInput(datasourceParams, request.params, 'data source id');
    return metadata.datasourceFields(sessionOf(request).userId, cid, dsid);
  });

  app.get('/connections/:cid/metadata/views/:vid/lineage', async (request): Promise<ViewLineageAnswer> => {
    const { cid, vid } = parseInput(viewParams, request.params, 'view id');
    return metadata.viewLineage(sessionOf(request).userId, cid, vid);
  });

  app.get('/connections/:cid/metadata/views/:vid/datasources', async (request): Promise<SheetDatasourcesAnswer> => {
    const { cid, vid } = parseInput(viewParams, request.params, 'view id');
    return metadata.sheetDatasources(sessionOf(request).userId, cid, vid);
  });

  app.get('/connections/:cid/metadata/workbooks/:wid/dashboards', async (request): Promise<WorkbookDashboardsAnswer> => {
    const { cid, wid } = parseInput(workbookParams, request.params, 'workbook id');
    return metadata.workbookDashboards(sessionOf(request).userId, cid, wid);
  });
};
