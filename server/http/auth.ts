/**
 * Bearer-token sessions for /api. The token is the only credential the add-in holds; it is
 * resolved to a session before anything else runs (onRequest), so an unauthenticated caller learns
 * nothing about routes, ids or input rules. Routes marked `config: { auth: 'optional' }`
 * (POST /api/connections) run without one and create a session when needed.
 *
 * A session acts for one user (`session.userId`, store/sessions.ts), and routes pass that user to
 * the services: what the user owns is what the request may see (docs/security.md#team-mode-who-the-user-is).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Session, SessionStore } from '../store/sessions.js';
import { unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyContextConfig {
    auth?: 'required' | 'optional';
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9_-]+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * `team`: only sessions of proven Tableau users count. A single analyst's session (of a data
 * directory or database that served one before TEAM=1) proves nobody: its holder connects again.
 */
export function sessionHook(sessions: SessionStore, { team = false } = {}) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    const session = token ? await sessions.resolve(token) : undefined;
    request.session = session && (!team || session.userKind === 'tableau') ? session : null;
    if (request.session || request.routeOptions.config.auth === 'optional') return;
    throw unauthorized(
      token
        ? 'Your session with the companion server has expired. Connect to Tableau again.'
        : 'Sign in first: connect to a Tableau site to start a session.',
    );
  };
}

/** The session of an authenticated route (the hook guarantees it). */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw unauthorized('Sign in first: connect to a Tableau site to start a session.');
  return request.session;
}
