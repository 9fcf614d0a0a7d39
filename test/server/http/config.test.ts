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

  it('serves the live source through Vite unless production asks for the built bundle', () => {
    expect(addinMode(true, 'production', true)).toBe('dev');
    expect(addinMode(false, undefined, true)).toBe('dev');
    expect(() => addinMode(false, 'production', false)).toThrow(/npm run build/);
    expect(addinMode(false, undefined, false)).toBe('dev');
    expect(addinMode(false, 'production', true)).toBe('static');
  });
});
