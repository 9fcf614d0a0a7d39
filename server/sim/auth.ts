import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import type { Clock } from './clock.js';
import { errors } from './errors.js';
import { verifyConnectedAppJwt } from './jwt.js';
import type { SimUser } from './state/model.js';
import type { SiteContent } from './state/site.js';
import type { SimState } from './state/store.js';

export interface Session {
  token: string;
  siteId: string;
  userId: string;
  lastUsed: number;
  /** Set for PAT sessions: one live session per PAT (tableau-mcp docs pat.md; TSC#1227). */
  patKey?: string;
}

/** Live REST sessions. Idle-based expiry like `wgserver.session.idle_limit` (docs/tableau-rest.md#sessions). */
export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byPat = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    public idleMs: number,
  ) {}

  create(siteId: string, userId: string, patKey?: string): Session {
    if (patKey) {
      const previous = this.byPat.get(patKey);
      if (previous) this.byToken.delete(previous);
    }
    // Newer Tableau tokens look like `<22 chars>|<32 chars>|<site luid>`.
    const token = `${randomBytes(16).toString('base64url')}|${randomBytes(24).toString('base64url')}|${siteId}`;
    const session: Session = { token, siteId, userId, lastUsed: this.clock.now(), patKey };
    this.byToken.set(token, session);
    if (patKey) this.byPat.set(patKey, token);
    return session;
  }

  /** The live session of `token` (touching it), or undefined when unknown, signed out or idle too long. */
  use(token: string): Session | undefined {
    const s = this.byToken.get(token);
    if (!s) return undefined;
    if (this.clock.now() - s.lastUsed > this.idleMs) {
      this.invalidate(token);
      return undefined;
    }
    s.lastUsed = this.clock.now();
    return s;
  }

  invalidate(token: string): void {
    const s = this.byToken.get(token);
    if (!s) return;
    this.byToken.delete(token);
    if (s.patKey && this.byPat.get(s.patKey) === token) this.byPat.delete(s.patKey);
  }

  /** Invalidates every session (tests: "server restarted"). */
  clear(): void {
    this.byToken.clear();
    this.byPat.clear();
  }

  get size(): number {
    return this.byToken.size;
  }
}

/** Sign-in body: JSON as tableau-mcp sends it, or the XML form converted by xml.ts (docs/tableau-rest.md#sign-in). */
const signInSchema = z.object({
  credentials: z.object({
    name: z.string().optional(),
    password: z.string().optional(),
    personalAccessTokenName: z.string().optional(),
    personalAccessTokenSecret: z.string().optional(),
    jwt: z.string().optional(),
    isUat: z.union([z.boolean(), z.string()]).optional(),
    site: z.object({ contentUrl: z.string().default('') }).default({ contentUrl: '' }),
    user: z.object({ id: z.string() }).optional(),
  }),
});

export interface SignInResult {
  site: SiteContent;
  user: SimUser;
  patKey?: string;
}

function userByName(site: SiteContent, name: string): SimUser | undefined {
  const wanted = name.toLowerCase();
  for (const u of site.users.values()) if (u.name.toLowerCase() === wanted) return u;
  return undefined;
}

/** Checks credentials; every failure is the same 401001 "Signin Error" Tableau answers. */
export function verifySignIn(state: SimState, body: unknown, nowMs: number): SignInResult {
  const parsed = signInSchema.safeParse(body);
  if (!parsed.success) {
    throw errors.badRequest('The sign-in request body must hold a credentials element (tsRequest/credentials).');
  }
  const c = parsed.data.credentials;
  const site = state.siteByContentUrl(c.site.contentUrl);
  if (!site) throw errors.signinError();
  let user: SimUser | undefined;
  let patKey: string | undefined;
  if (c.personalAccessTokenName !== undefined) {
    const pat = site.pats.find((p) => p.name === c.personalAccessTokenName && p.secret === c.personalAccessTokenSecret);
    user = pat && site.users.get(pat.userId);
    patKey = pat && `${site.site.id}/${pat.name}`;
  } else if (c.jwt !== undefined) {
    if (c.isUat === true || c.isUat === 'true') throw errors.signinError(); // UATs (RS256, Cloud) are not simulated
    const sub = verifyConnectedAppJwt(c.jwt, site.connectedApps, nowMs);
    user = sub ? userByName(site, sub) : undefined;
  } else if (c.name !== undefined) {
    const u = userByName(site, c.name);
    user = u?.password !== undefined && u.password === c.password ? u : undefined;
  }
  if (!user) throw errors.signinError();
  return { site, user, patKey };
}

export function credentialsJson(session: Session, site: SiteContent): Record<string, unknown> {
  return {
    credentials: {
      site: { id: site.site.id, contentUrl: site.site.contentUrl },
      user: { id: session.userId },
      token: session.token,
    },
  };
}

const switchSiteSchema = z.object({ site: z.object({ contentUrl: z.string() }) });

/** `auth/switchSite`: same user name on the other site, new token, old one ended (TSC auth_endpoint.py). */
export function verifySwitchSite(state: SimState, from: Session, body: unknown): { site: SiteContent; user: SimUser } {
  const parsed = switchSiteSchema.safeParse(body);
  if (!parsed.success) throw errors.badRequest('The switch-site request body must hold a site element with contentUrl.');
  const target = state.siteByContentUrl(parsed.data.site.contentUrl);
  // Switch Site's error table (rest_api_ref_authentication.htm): 401003 "Switch site error — the site might
  // be unavailable or is not found"; 403070 "Cannot switch to the same site".
  if (!target) throw errors.switchSiteFailed(`The site '${parsed.data.site.contentUrl}' might be unavailable or is not found.`);
  if (target.site.id === from.siteId) throw errors.switchSiteError('You are already signed in to this site.');
  const me = state.site(from.siteId)?.users.get(from.userId);
  const user = me && userByName(target, me.name);
  if (!user) throw errors.switchSiteFailed('The user is not a member of the requested site.');
  return { site: target, user };
}
