/**
 * Field meanings and lineage from Tableau's Metadata API (server/tableau/metadata-queries.ts), for a
 * saved connection. When Tableau says the Metadata API is turned off, the answer is remembered for
 * the signed-in client a few minutes: every screen asks for meanings, and asking Tableau again each
 * time would only repeat the same FEATURE_DISABLED (an admin turning it on is seen after the memo).
 */
import type { DatasourceFieldsAnswer, SheetDatasourcesAnswer, ViewLineageAnswer, WorkbookDashboardsAnswer } from '../../common/metadata.js';
import { TableauError } from '../tableau/index.js';
import type { ConnectionService } from './connections.js';
import type { Tableau } from './tableau.js';

const DISABLED_MEMO_MS = 5 * 60_000;

export class MetadataService {
  private readonly disabledAt = new WeakMap<Tableau, { at: number; error: TableauError }>();

  constructor(
    private readonly connections: ConnectionService,
    private readonly now: () => number = Date.now,
  ) {}

  datasourceFields(userId: string, connectionId: string, datasourceLuid: string): Promise<DatasourceFieldsAnswer> {
    return this.ask(userId, connectionId, (c) => c.metadataDatasourceFields(datasourceLuid));
  }

  viewLineage(userId: string, connectionId: string, viewLuid: string): Promise<ViewLineageAnswer> {
    return this.ask(userId, connectionId, (c) => c.metadataViewLineage(viewLuid));
  }

  sheetDatasources(userId: string, connectionId: string, viewLuid: string): Promise<SheetDatasourcesAnswer> {
    return this.ask(userId, connectionId, (c) => c.metadataSheetDatasources(viewLuid));
  }

  workbookDashboards(userId: string, connectionId: string, workbookLuid: string): Promise<WorkbookDashboardsAnswer> {
    return this.ask(userId, connectionId, (c) => c.metadataWorkbookDashboards(workbookLuid));
  }

  private async ask<T>(userId: string, connectionId: string, query: (client: Tableau) => Promise<T>): Promise<T> {
    const { client } = await this.connections.client(userId, connectionId);
    const seen = this.disabledAt.get(client);
    if (seen && this.now() - seen.at < DISABLED_MEMO_MS) throw seen.error;
    try {
      return await query(client);
    } catch (e) {
      if (e instanceof TableauError && e.code === 'metadata-disabled') this.disabledAt.set(client, { at: this.now(), error: e });
      throw e;
    }
  }
}
