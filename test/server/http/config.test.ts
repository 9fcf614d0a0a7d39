import { addinMode, loadConfig } from '../../../server/config.js';

describe('loadConfig', () => {
  it('defaults to HTTPS on 127.0.0.1:3000 with ./.data', () => {
    const c = loadConfig({}, [], '/srv/app');
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', protocol: 'https', dataDir: '/srv/app/.data', demo: true, logLevel: 'info' });
  });

  it('reads PORT, HTTP, DATA_DIR, ALLOWED_ORIGINS, DEMO and flags', () => {
    const c = loadConfig(
      { PORT: '8443', HTTP: '1', DATA_DIR: '/var/lib/x', ALLOWED_ORIGINS: 'https://a.example/, https://b.example', DEMO: '0' },
      [],
      '/srv',
    );
    expect(c).toMatchObject({ port: 8443, protocol: 'http', dataDir: '/var/lib/x', demo: false });
    expect(c.extraOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(loadConfig({}, ['--http', '--no-demo']).protocol).toBe('http');
    expect(loadConfig({}, ['--no-demo']).demo).toBe(false);
  });

  it('explains bad settings instead of starting half-configured', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('reads PUBLIC_URL as an https origin whose host the server answers to', () => {
    const c = loadConfig({ PUBLIC_URL: 'https://Excel.Example.com/', PUBLIC_HOSTS: 'other.example' });
    expect(c.publicUrl).toBe('https://excel.example.com');
    expect(c.publicHosts).toEqual(['other.example', 'excel.example.com']);
    expect(loadConfig({}).publicUrl).toBeUndefined();
    // Tableau sends webhooks to https only, and the receiver lives at the origin's root.
    expect(() => loadConfig({ PUBLIC_URL: 'http://excel.example.com' })).toThrow(/PUBLIC_URL: must be an https address/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://excel.example.com/companion' })).toThrow(/PUBLIC_URL: must be an origin only/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://user:pw@excel.example.com' })).toThrow(/user name or password/);
    expect(() => loadConfig({ PUBLIC_URL: 'excel' })).toThrow(/PUBLIC_URL: "excel" is not a URL/);
  });

  it('serves the built add-in unless npm run dev asks for Vite, which stays on loopback', () => {
    expect(loadConfig({}, [], '/srv').addin).toBe('static');
    expect(loadConfig({ NODE_ENV: 'development' }, [], '/srv').addin).toBe('static');
    expect(loadConfig({}, ['--dev'], '/srv').addin).toBe('dev');
    // Vite and Vitest put DEV=1 in the environment of every process they start: not a switch.
    expect(loadConfig({ DEV: '1' }, [], '/srv').addin).toBe('static');
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(addinMode(true, host)).toBe('dev');
    expect(addinMode(false, '0.0.0.0')).toBe('static');
    expect(() => loadConfig({ HOST: '0.0.0.0' }, ['--dev'], '/srv')).toThrow(/loopback only; HOST=0\.0\.0\.0/);
    expect(() => addinMode(true, '192.168.1.5')).toThrow(/npm start/);
  });
});
