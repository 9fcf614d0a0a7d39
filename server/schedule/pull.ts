/**
 * A schedule's pull with its owner's stored connection: the same client pool and the same
 * PullRequest → typed stream pipeline as POST /api/connections/:cid/pull, so a scheduled
 * snapshot holds exactly what a live pull would have streamed to the pane.
 */
import type { ClientPool } from '../http/clients.js';
import { pullMessages } from '../http/pull-source.js';
import { limitRows } from '../http/stream.js';
import type { Tableau } from '../http/tableau.js';
import type { ConnectionStore } from '../store/connections.js';
import { connectionMissing } from './errors.js';
import type { ScheduledPull } from './runner.js';

export interface StoredConnectionDeps {
  connections: ConnectionStore;
  clients: ClientPool<Tableau>;
}

export function storedConnectionPull(deps: StoredConnectionDeps): ScheduledPull {
  return async function* pull(schedule) {
    // Looked up at run time: the owner may have renewed the credentials since the schedule was made.
    const connection = deps.connections.get(schedule.sessionId, schedule.connectionId);
    if (!connection) throw connectionMissing();
    const client = await deps.clients.get(connection);
    const request = { source: schedule.source, ...(schedule.options ? { options: schedule.options } : {}) };
    yield* limitRows(pullMessages(client, request), schedule.options?.limit);
  };
}
