import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insecureAgent, type RunningProduct, startProduct } from './support/product.js';

/** Issue #3 must-show: `npm start` answers /health over HTTPS within 60 s and serves its demo site. */
describe('npm start', () => {
  let product: RunningProduct;
  beforeAll(async () => {
    product = await startProduct({ timeoutMs: 60_000 });
  });
  afterAll(async () => product?.close());

  it('answers /health over HTTPS within 60 s and prints the demo credentials', async () => {
    expect(product.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(product.startupMs).toBeLessThan(60_000);
    expect(product.health.ok).toBe(true);
    expect(product.output()).toContain(product.health.demo!.patName);
  });

  it('signs in to the demo site through its API and lists the projects', async () => {
    const api = axios.create({ baseURL: product.url, httpsAgent: insecureAgent, validateStatus: () => true });
    const demo = product.health.demo!;
    const connect = await api.post(
      '/api/connections',
      {
        serverUrl: demo.serverUrl,
        siteContentUrl: demo.siteContentUrl,
        auth: { kind: 'pat', patName: demo.patName, patSecret: demo.patSecret },
      },
      { headers: { Origin: product.url } },
    );
    expect(connect.status).toBe(201);
    expect(JSON.stringify(connect.data)).not.toContain(demo.patSecret);
    const auth = { Authorization: `Bearer ${connect.data.sessionToken}`, Origin: product.url };
    const projects = await api.get(`/api/connections/${connect.data.connection.id}/projects`, { headers: auth });
    expect(projects.status).toBe(200);
    expect(projects.data.projects.map((p: { name: string }) => p.name)).toContain('Samples');
  });

  it('serves the task pane page', async () => {
    const page = await axios.get(`${product.url}/taskpane.html`, { httpsAgent: insecureAgent });
    expect(page.status).toBe(200);
    expect(String(page.data)).toContain('<div id=');
  });
});
