/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each test asserts the shape it reads. */
import type { FastifyInstance } from 'fastify';

import { buildSimApp, type SimApp, type SimulatorOptions } from '../../../server/sim/app.js';
import { DEMO } from '../../../server/sim/seed/demo.js';

export const V = '3.28';

export interface Harness extends SimApp {
  siteId: string;
  /** Signs in with the demo PAT on the demo site; returns the token. */
  signIn(credentials?: Record<string, unknown>): Promise<string>;
  /** GET `/api/3.28/sites/<demo site>/<path>` with a token, parsed JSON + status. */
  get(path: string, token: string): Promise<{ status: number; body: any }>;
  raw(
    method: 'GET' | 'POST',
    url: string,
    token?: string,
    payload?: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }>;
}

export const patCredentials = (site: string = DEMO.siteContentUrl) => ({
  personalAccessTokenName: DEMO.patName,
  personalAccessTokenSecret: DEMO.patSecret,
  site: { contentUrl: site },
});

export async function harness(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = await buildSimApp(options);
  const app: FastifyInstance = sim.app;
  const raw: Harness['raw'] = async (method, url, token, payload) => {
    const res = await app.inject({
      method,
      url,
      headers: { accept: 'application/json', ...(token ? { 'x-tableau-auth': token } : {}) },
      ...(payload !== undefined ? { payload: payload as string } : {}),
    });
    let body: any;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body, headers: res.headers, text: res.body };
  };
  return {
    ...sim,
    siteId: sim.demoSite.site.id,
    raw,
    async signIn(credentials = patCredentials()) {
      const res = await raw('POST', `/api/${V}/auth/signin`, undefined, { credentials });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
      return res.body.credentials.token as string;
    },
    get: (path, token) => raw('GET', `/api/${V}/sites/${sim.demoSite.site.id}/${path}`, token),
  };
}
