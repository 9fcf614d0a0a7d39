/**
 * POST /api/connections/:cid/pull → the typed result stream as NDJSON, gzip-flushed per message
 * when the client accepts gzip and is not on this machine (stream.ts shouldCompress). The first message is produced before the status line goes out, so
 * an unknown view or a refused sign-in is still a proper HTTP error; later failures end the stream
 * with an `error` message.
 */
import { STREAM_CONTENT_TYPE } from '../../../common/stream.js';
import type { RouteModule } from '../app.js';
import { parseInput } from '../errors.js';
import { describeSource, pullMessages } from '../pull-source.js';
import { pullRequestSchema } from '../schemas.js';
import { limitRows, ndjsonBody, peekFirst, shouldCompress, withTerminal } from '../stream.js';
import { clientOf } from './connections.js';
import { rowCountOf } from '../../pull/encoded-rows.js';

export const pullRoutes: RouteModule = (app, ctx) => {
  // compress: false — @fastify/compress would buffer; ndjsonBody gzips and flushes per message.
  app.post('/connections/:cid/pull', { compress: false }, async (request, reply) => {
    const body = parseInput(pullRequestSchema, request.body, 'pull request');
    const { client, connection } = await clientOf(ctx, request);
    const log = request.log.child({ connectionId: connection.info.id, source: describeSource(body.source) });
    const started = Date.now();
    const messages = await peekFirst(limitRows(pullMessages(client, body), body.options?.limit));
    let rows = 0;
    const counted = (async function* () {
      for await (const m of withTerminal(messages, (err) => log.warn({ err }, 'pull failed while streaming'))) {
        rows += rowCountOf(m);
        if (m.kind === 'end' || m.kind === 'error') log.info({ rows, ms: Date.now() - started, outcome: m.kind }, 'pull finished');
        yield m;
      }
    })();
    const gzip = shouldCompress(request.headers['accept-encoding'], request.socket.remoteAddress, ctx.compressLoopback);
    reply.header('content-type', STREAM_CONTENT_TYPE).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return reply.send(ndjsonBody(counted, gzip));
  });
};
