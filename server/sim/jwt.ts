import { createHmac, timingSafeEqual } from 'node:crypto';

import type { SimConnectedApp } from './state/model.js';

/**
 * Connected-app (direct trust) JWTs as Tableau checks them (docs/tableau-rest.md#connected-app-jwts, tableau-mcp getJwt.ts): HS256,
 * header `kid` = the app's secret id, signed with its secret value, `iss` = client id, `aud` = 'tableau',
 * `sub` = username, `exp` at most 10 minutes ahead, `jti` and `scp` present.
 */
const MAX_LIFETIME_S = 10 * 60;
const CLOCK_SKEW_S = 30;

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function signHs256(payload: Record<string, unknown>, secret: string, kid: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** A connected-app JWT for `app` and `username`, valid for 5 minutes — what tableau-mcp mints. */
export function mintConnectedAppJwt(
  app: SimConnectedApp,
  username: string,
  nowMs: number = Date.now(),
  scopes: string[] = ['tableau:content:read', 'tableau:views:download', 'tableau:viz_data_service:read'],
): string {
  const now = Math.floor(nowMs / 1000);
  return signHs256(
    {
      iss: app.clientId,
      sub: username,
      aud: 'tableau',
      jti: `${now}-${Math.random()}`,
      iat: now - 5,
      nbf: now - 5,
      exp: now + 300,
      scp: scopes,
    },
    app.secretValue,
    app.secretId,
  );
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Returns the username (`sub`) of a valid token signed by one of `apps`, or null. */
export function verifyConnectedAppJwt(jwt: string, apps: readonly SimConnectedApp[], nowMs: number): string | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts;
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (!header || !claims || header.alg !== 'HS256') return null;
  const app = apps.find((a) => a.secretId === header.kid);
  if (!app || claims.iss !== app.clientId) return null;
  const expected = createHmac('sha256', app.secretValue).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const now = Math.floor(nowMs / 1000);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes('tableau')) return null;
  if (typeof claims.exp !== 'number' || claims.exp <= now - CLOCK_SKEW_S || claims.exp > now + MAX_LIFETIME_S + CLOCK_SKEW_S) return null;
  if (typeof claims.nbf === 'number' && claims.nbf > now + CLOCK_SKEW_S) return null;
  if (typeof claims.jti !== 'string' || !Array.isArray(claims.scp) || claims.scp.length === 0) return null;
  return typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
}
