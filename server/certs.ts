/**
 * TLS material for https://localhost:3000. Office only loads add-ins over HTTPS, and the Office
 * tooling's convention is office-addin-dev-certs' files in ~/.office-addin-dev-certs
 * (docs/excel.md#https-and-dev-certificates). We do NOT call its `getHttpsServerOptions()`: that runs
 * `ensureCertificatesAreInstalled()`, which throws when the CA cannot be put in the system trust
 * store (no sudo / no store here) and the server would never start. Instead:
 *  1. reuse the files when the localhost certificate is still valid for a day or more;
 *  2. otherwise generate them with the package's `generateCertificates` and TRY to install the CA
 *     (a failure is a warning: the browser will ask to trust the certificate);
 *  3. if the directory cannot be written, generate a throw-away set in a temp dir (same generator).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import devCerts from 'office-addin-dev-certs';

import type { Logger } from './log.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  ca: string;
  /** Where it came from, for the start-up message. */
  source: 'existing' | 'generated' | 'temporary';
  dir: string;
}

export interface CertOptions {
  /** Default ~/.office-addin-dev-certs (where Office tooling looks). */
  dir?: string;
  /**
   * Try to trust the CA when new certificates are generated (main.ts yes, tests no). A function
   * replaces office-addin-dev-certs' installer (which runs `sudo` on Linux).
   */
  installCa?: boolean | ((caPath: string) => Promise<void>);
  validDays?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const DOMAINS = ['127.0.0.1', 'localhost'];
const FILES = { ca: 'ca.crt', cert: 'localhost.crt', key: 'localhost.key' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

const DEFAULT_CERT_DIR = join(homedir(), '.office-addin-dev-certs');

export async function loadDevCertificates(options: CertOptions = {}): Promise<TlsMaterial> {
  const dir = options.dir ?? DEFAULT_CERT_DIR;
  const existing = readIfValid(dir);
  if (existing) return { ...existing, source: 'existing', dir };
  try {
    await generateInto(dir, options.validDays);
    const fresh = readIfValid(dir);
    if (!fresh) throw new Error(`generated certificates in ${dir} are not usable`);
    if (options.installCa) {
      const install = typeof options.installCa === 'function' ? options.installCa : (ca: string) => devCerts.installCaCertificate(ca);
      await tryInstallCa(dir, install, options.logger);
    }
    return { ...fresh, source: 'generated', dir };
  } catch (err) {
    options.logger?.warn({ err }, `Could not write developer certificates to ${dir}; using a temporary certificate for this run.`);
    const tmp = mkdtempSync(join(tmpdir(), 'tableau-excel-certs-'));
    try {
      await generateInto(tmp, options.validDays);
      const temp = readIfValid(tmp);
      if (!temp) throw new Error('temporary certificate generation produced no usable files');
      return { ...temp, source: 'temporary', dir: tmp };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** The three PEM files, when the localhost certificate covers localhost and is valid for a day more. */
export function readIfValid(dir: string, now = new Date()): Omit<TlsMaterial, 'source' | 'dir'> | undefined {
  const paths = Object.values(FILES).map((f) => join(dir, f));
  if (!paths.every((p) => existsSync(p))) return undefined;
  try {
    const [ca, cert, key] = paths.map((p) => readFileSync(p, 'utf8'));
    const x509 = new X509Certificate(cert);
    if (Date.parse(x509.validTo) - now.getTime() < DAY_MS) return undefined;
    if (!x509.checkHost('localhost')) return undefined;
    return { ca, cert, key };
  } catch {
    return undefined;
  }
}

async function generateInto(dir: string, validDays = 30): Promise<void> {
  // generateCertificates only writes when ca.crt is absent: clear a stale set first.
  for (const file of Object.values(FILES)) rmSync(join(dir, file), { force: true });
  await devCerts.generateCertificates(join(dir, FILES.ca), join(dir, FILES.cert), join(dir, FILES.key), validDays, DOMAINS);
}

async function tryInstallCa(
  dir: string,
  install: (caPath: string) => Promise<void>,
  logger?: Pick<Logger, 'info' | 'warn'>,
): Promise<void> {
  try {
    await install(join(dir, FILES.ca));
    logger?.info('Developer CA installed: browsers and Office trust https://localhost.');
  } catch (err) {
    logger?.warn(
      { err },
      'The developer CA could not be installed (needs admin rights); the server runs anyway. ' +
        'Trust it once with `npx office-addin-dev-certs install`, or accept the browser warning.',
    );
  }
}
