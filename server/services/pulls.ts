/**
 * Pulls: a PullRequest with a saved connection → the typed result stream (common/stream.ts), cut
 * at the request's row limit. The pane's live pulls and the scheduler's runs go through the same
 * pipeline (server/pull/pull-messages.ts), so a scheduled snapshot holds exactly what a live pull
 * would have streamed to the pane.
 */
import type { ConnectionInfo, PullRequest } from '../../common/api.js';
import type { StreamMessage } from '../../common/stream.js';
import { limitRows } from '../pull/limit-rows.js';
import { pullMessages } from '../pull/pull-messages.js';
import { connectionMissing } from '../schedule/errors.js';
import type { ScheduledPull } from '../schedule/runner.js';
import type { ConnectionService } from './connections.js';
import type { Tableau } from './tableau.js';

export interface OpenPull {
  connection: ConnectionInfo;
  /** Tableau is contacted when the first message is asked for. */
  messages: AsyncGenerator<StreamMessage>;
}

export class PullService {
  constructor(private readonly connections: ConnectionService) {}

  /**
   * The user's own connection signs in (or 404s) before this returns; the data flows later.
   * `signal`: the pane cancelled or went away — a pull still waiting for an export slot stops waiting.
   */
  async open(userId: string, connectionId: string, request: PullRequest, signal?: AbortSignal): Promise<OpenPull> {
    const { client, connection } = await this.connections.client(userId, connectionId);
    return { connection: connection.info, messages: limited(client, request, signal) };
  }

  /** A schedule's pull, with its owner's stored connection looked up at run time. */
  scheduledPull(): ScheduledPull {
    const connections = this.connections;
    return async function* pull(schedule, signal) {
      // The owner may have renewed the credentials since the schedule was made.
      const connection = await connections.find(schedule.userId, schedule.connectionId);
      if (!connection) throw connectionMissing();
      const client = await connections.clientOf(connection);
      yield* limited(client, { source: schedule.source, ...(schedule.options ? { options: schedule.options } : {}) }, signal);
    };
  }
}

function limited(client: Tableau, request: PullRequest, signal?: AbortSignal): AsyncGenerator<StreamMessage> {
  return limitRows(pullMessages(client, request, signal), request.options?.limit);
}
