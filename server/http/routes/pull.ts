/**
 * POST /api/connections/:cid/pull → the typed result stream as NDJSON, gzip-flushed per message
 * when the client accepts gzip and is not on this machine (stream.ts shouldCompress). The first
 * message is produced before the status line goes out, so an unknown view or a refused sign-in is
 * still a proper HTTP error; later failures end the stream with an `error` message.
 */
import { STREAM_CONTENT_TYPE } from '../../../common/stream.js';
import { rowCountOf } from '../../pull/encoded-rows.js';
import { describeSource } from '../../pull/pull-messages.js';
import { sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { pullRequestSchema } from '../schemas.js';
import { abortedWhenClientLeaves, ndjsonBody, peekFirst, shouldCompress, withTerminal } from '../stream.js';
import { connectionIdOf } from './connections.js';

export const pullRoutes: RouteModule = (app, { services: { pulls }, compressLoopback }) => {
  // compress: false — @fastify/compress would buffer; ndjsonBody gzips and flushes per message.
  app.post('/connections/:cid/pull', { compress: false }, async (request, reply) => {
    const body = parseInput(pullRequestSchema, request.body, 'pull request');
    const signal = abortedWhenClientLeaves(reply.raw);
    const pull = await pulls.open(sessionOf(request).userId, connectionIdOf(request), body, signal);
    const log = request.log.child({ connectionId: pull.connection.id, source: describeSource(body.source) });
    const started = Date.now();
    const messages = await peekFirst(pull.messages);
    let rows = 0;
    const counted = (async function* () {
      for await (const m of withTerminal(messages, (err) => log.warn({ err }, 'pull failed while streaming'))) {
        rows += rowCountOf(m);
        if (m.kind === 'end' || m.kind === 'error') log.info({ rows, ms: Date.now() - started, outcome: m.kind }, 'pull finished');
        yield m;
      }
    })();
    // request.ip: behind a trusted proxy (TRUST_PROXY) the client's address, whose link is the slow one.
    const gzip = shouldCompress(request.headers['accept-encoding'], request.ip, compressLoopback);
    reply.header('content-type', STREAM_CONTENT_TYPE).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return reply.send(ndjsonBody(counted, gzip));
  });
};
