import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadDevCertificates, readIfValid } from '../../../server/certs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'certs-'));
const quiet = { info: () => {}, warn: () => {} };

describe('developer certificates', () => {
  it('generates office-addin-dev-certs files once and reuses them', async () => {
    const dir = tmp();
    const first = await loadDevCertificates({ dir, logger: quiet });
    expect(first.source).toBe('generated');
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.verify(new X509Certificate(first.ca).publicKey)).toBe(true);
    expect(readFileSync(join(dir, 'localhost.key'), 'utf8')).toBe(first.key);
    const second = await loadDevCertificates({ dir, logger: quiet });
    expect(second.source).toBe('existing');
    expect(second.cert).toBe(first.cert);
  });

  it('regenerates a certificate that expires within a day', async () => {
    const dir = tmp();
    const first = await loadDevCertificates({ dir, logger: quiet });
    const expiry = Date.parse(new X509Certificate(first.cert).validTo);
    expect(readIfValid(dir, new Date(expiry - 2 * 86_400_000))).toBeDefined();
    expect(readIfValid(dir, new Date(expiry - 3_600_000))).toBeUndefined();
  });

  it('never stops the server when the CA cannot be installed', async () => {
    const warnings: string[] = [];
    const material = await loadDevCertificates({
      dir: tmp(),
      installCa: async () => {
        throw new Error('Unable to install the CA certificate. sudo: not found');
      },
      logger: { info: () => {}, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) },
    });
    expect(material.source).toBe('generated');
    expect(new X509Certificate(material.cert).checkHost('localhost')).toBe('localhost');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be installed/);
  });

  it('falls back to a temporary certificate when the directory cannot be written', async () => {
    const parent = tmp();
    writeFileSync(join(parent, 'file'), 'not a directory');
    const warn = vi.fn();
    const material = await loadDevCertificates({ dir: join(parent, 'file', 'certs'), logger: { info: () => {}, warn } });
    expect(material.source).toBe('temporary');
    expect(new X509Certificate(material.cert).checkHost('localhost')).toBe('localhost');
    expect(warn).toHaveBeenCalled();
  });
});
