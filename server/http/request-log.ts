/**
 * What fastify itself logs about requests. Its default is two info lines per request ("incoming
 * request", "request completed") with full headers: ~600 lines in ten minutes of using the pane,
 * burying the banner and the warnings that matter. Ours is ONE line per answered request, at debug
 * (LOG_LEVEL=debug shows it): method, path without the query string (filter values are the
 * analyst's business), status, milliseconds and the client's address. Failures keep fastify's own lines (errors, broken
 * streams) — those are worth reading. Subclassing LogController is fastify 5's documented way
 * (https://fastify.dev/docs/latest/Reference/Server/#logcontroller; `disableRequestLogging` is
 * deprecated).
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * The path as logged: without the query string, and without the token of a Tableau webhook URL
 * (routes/tableau-hooks.ts), which is that webhook's only credential.
 */
export const loggedPath = (url: string): string => url.split('?')[0]!.replace(/^(\/hooks\/tableau\/)[^/]+/, '$1…');

export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    const path = loggedPath(request.url);
    request.log.debug(
      // ip: the client's address, through a trusted proxy its X-Forwarded-For (TRUST_PROXY: app.ts).
      { method: request.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: request.ip },
      `${request.method} ${path} ${reply.statusCode}`,
    );
  }
}
