/**
 * A cached view export (server/sim/data/export-cache.ts) meets the simulator's faults and export
 * gauge exactly as a computed one: those act before the route (hooks.ts, exports.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');

describe('faults and the export gauge on cached exports', () => {
  let sim: Simulator;
  afterEach(async () => sim?.close());

  const signIn = async () => {
    const res = await fetch(`${sim.url}/api/3.28/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        credentials: {
          personalAccessTokenName: sim.demo.patName,
          personalAccessTokenSecret: sim.demo.patSecret,
          site: { contentUrl: sim.demo.siteContentUrl },
        },
      }),
    });
    return ((await res.json()) as { credentials: { token: string } }).credentials.token;
  };
  const exportView = (token: string) =>
    fetch(`${sim.url}/api/3.28/sites/${sim.demo.siteId}/views/${VIEW_ID}/data`, { headers: { 'x-tableau-auth': token } });
  const gauge = () => sim.exports.reading(sim.demo.siteId);

  it('delays, throttles and resets a cached export as before, and serves the same bytes after', async () => {
    sim = await createSimulator({ exportLimit: 2 });
    const token = await signIn();
    const warm = await exportView(token);
    expect(warm.status).toBe(200);
    const bytes = Buffer.from(await warm.arrayBuffer());

    sim.faults.add({ kind: 'latency', ms: 300, path: '/data', count: 1 });
    const started = performance.now();
    const slow = await exportView(token);
    expect(Buffer.from(await slow.arrayBuffer()).equals(bytes)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    sim.faults.add({ kind: 'rateLimit', path: '/data', count: 1, retryAfter: 3 });
    const throttled = await exportView(token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(await throttled.text()).toContain('429 Too Many Requests');

    sim.faults.add({ kind: 'reset', path: '/data', count: 1 });
    await expect(exportView(token)).rejects.toThrow();

    const after = await exportView(token);
    expect(after.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(Buffer.from(await after.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('counts cached exports in the gauge and refuses past the limit as before', async () => {
    sim = await createSimulator({ exportLimit: 2 });
    const token = await signIn();
    expect((await exportView(token)).status).toBe(200); // now cached
    sim.faults.add({ kind: 'latency', ms: 1_500, path: '/data', count: 2 });
    const two = [exportView(token), exportView(token)];
    await expect.poll(() => gauge().current, { timeout: 10_000 }).toBe(2);
    const refused = await exportView(token);
    expect(refused.status).toBe(429);
    expect((await Promise.all(two)).map((r) => r.status)).toEqual([200, 200]);
    await expect.poll(() => gauge().current, { timeout: 10_000 }).toBe(0);
    expect(gauge()).toMatchObject({ max: 3, rejected: 1 });
  });
});
