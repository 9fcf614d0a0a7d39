import { afterEach, describe, expect, it } from 'vitest';

import { compareApiVersions, resolveVersion } from '../../../server/sim/versions.js';
import { type Harness, harness } from './helpers.js';

describe('server info and API versions', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('maps product versions to REST versions (2025.1/2025.3/2026.1)', () => {
    expect(resolveVersion('2025.1.0').restApiVersion).toBe('3.25');
    expect(resolveVersion('2025.3.0').restApiVersion).toBe('3.27');
    expect(resolveVersion('2026.1.0').restApiVersion).toBe('3.28');
    expect(resolveVersion('2026.1').productVersion).toBe('2026.1.0');
    expect(() => resolveVersion('2019.4.0')).toThrow(/Unsupported product version/);
    expect(() => resolveVersion('banana')).toThrow(/Unsupported/);
    expect(compareApiVersions('3.9', '3.10')).toBeLessThan(0);
  });

  it('answers /serverinfo and /serverInfo without auth, values as strings', async () => {
    h = await harness();
    for (const path of ['/api/3.28/serverinfo', '/api/2.4/serverInfo']) {
      const res = await h.raw('GET', path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        serverInfo: { productVersion: { value: '2026.1.0', build: expect.any(String) }, restApiVersion: '3.28' },
      });
    }
  });

  it.each([
    ['2025.1.0', '3.25'],
    ['2025.3.0', '3.27'],
    ['2026.1.0', '3.28'],
  ])('product version %s reports REST %s and 404003s newer paths', async (pv, rest) => {
    h = await harness({ productVersion: pv });
    const info = await h.raw('GET', `/api/${rest}/serverinfo`);
    expect(info.body.serverInfo).toMatchObject({ productVersion: { value: pv }, restApiVersion: rest });
    const newer = `3.${Number(rest.split('.')[1]) + 1}`;
    const res = await h.raw('GET', `/api/${newer}/serverinfo`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: '404003', summary: 'Resource Not Found', detail: `Unknown resource '/${newer}/serverinfo' specified in URI.` },
    });
  });

  it('switches product version at runtime via ctx', async () => {
    h = await harness();
    h.ctx.version = resolveVersion('2025.1.0');
    expect((await h.raw('GET', '/api/3.28/serverinfo')).status).toBe(404);
    expect((await h.raw('GET', '/api/3.25/serverinfo')).body.serverInfo.restApiVersion).toBe('3.25');
  });

  it('answers unknown paths and malformed versions with 404003', async () => {
    h = await harness();
    expect((await h.raw('GET', '/api/latest/serverinfo')).body.error.code).toBe('404003');
    const res = await h.raw('GET', '/api/3.28/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: '404003', detail: "Unknown resource '/3.28/nothing-here' specified in URI." });
  });
});
