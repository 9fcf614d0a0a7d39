/**
 * The use cases both the HTTP routes (server/http) and the scheduler reach: connections (and the
 * pool of signed-in Tableau clients), browsing, pulls and schedules. Services throw ApiError
 * (server/errors.ts) or TableauError; turning those into HTTP replies is server/http's job.
 */
import type { Store } from '../store/index.js';
import { BrowseService } from './browse.js';
import { type ConnectionOptions, ConnectionService } from './connections.js';
import { MetadataService } from './metadata.js';
import { PublishService } from './publish.js';
import { PullService } from './pulls.js';
import { metadataLineage, RowsBehindService } from './rows-behind.js';
import { ScheduleService, type ScheduleServiceOptions } from './schedules.js';
import type { TableauConnector } from './tableau.js';
import { ViewImageService } from './view-image.js';

export interface Services {
  connections: ConnectionService;
  browse: BrowseService;
  /** Field meanings and lineage from Tableau's Metadata API. */
  metadata: MetadataService;
  pulls: PullService;
  /** Publishing a table of users, groups or projects to Tableau (docs/publish.md). */
  publish: PublishService;
  viewImages: ViewImageService;
  /** A dashboard's worksheets and the rows behind a summary view. */
  rowsBehind: RowsBehindService;
  /** Builds the schedule service over this store, these connections and pulls. */
  scheduling(options: ScheduleServiceOptions): ScheduleService;
}

export function createServices(store: Store, tableau: TableauConnector, options: ConnectionOptions = {}): Services {
  const connections = new ConnectionService(store, tableau, options);
  const pulls = new PullService(connections);
  const metadata = new MetadataService(connections);
  return {
    connections,
    browse: new BrowseService(connections),
    metadata,
    pulls,
    // Instances sharing PostgreSQL apply one table per Tableau site at a time (docs/publish.md).
    publish: new PublishService(connections, store.locks, store.databaseUrl ? 'site' : 'connection'),
    viewImages: new ViewImageService(connections),
    rowsBehind: new RowsBehindService(connections, metadataLineage(metadata)),
    scheduling: (options) => new ScheduleService({ store, connections, pulls }, options),
  };
}
