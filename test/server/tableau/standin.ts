/**
 * A tiny Tableau stand-in over node:http or node:https that records EVERY request it receives (method,
 * path, Host header, X-Tableau-Auth, body), so redirect tests can prove what reached which address.
 * Default routes: serverinfo, PAT sign-in, projects list (needs the token). `handle` runs first and
 * can answer anything itself (a redirect, a page that is not Tableau).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import { createCA, createCert } from 'mkcert';

export interface Seen {
  method: string;
  url: string;
  host: string;
  auth?: string;
  body: string;
}

export interface StandIn {
  url: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Listen address (127.0.0.1 default; any 127/8 address works on Linux loopback). */
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
  /** Answer the request yourself and return true, or return false for the default routes. */
  handle?: (req: Seen, res: ServerResponse) => boolean;
}

export const TOKEN = 'standin-token-0123456789';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function defaultRoute(req: Seen, res: ServerResponse): void {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && /\/api\/[\d.]+\/serverinfo$/.test(path)) {
    return json(res, 200, { serverInfo: { productVersion: { value: '2026.1.0', build: '20261.26.0101.0000' }, restApiVersion: '3.28' } });
  }
  if (req.method === 'POST' && /\/api\/[\d.]+\/auth\/signin$/.test(path)) {
    return json(res, 200, { credentials: { token: TOKEN, site: { id: 'site-1', contentUrl: '' }, user: { id: 'user-1' } } });
  }
  if (req.method === 'POST' && /\/auth\/signout$/.test(path)) return json(res, 204, {});
  if (req.method === 'GET' && /\/sites\/[^/]+\/projects$/.test(path)) {
    if (req.auth !== TOKEN)
      return json(res, 401, { error: { code: '401002', summary: 'Unauthorized', detail: 'Invalid authentication credentials.' } });
    return json(res, 200, {
      pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '1' },
      projects: { project: [{ id: 'p-1', name: 'Default' }] },
    });
  }
  json(res, 404, { error: { code: '404003', summary: 'Not found', detail: 'Unknown resource.' } });
}

export async function startStandIn(o: StandInOptions = {}): Promise<StandIn> {
  const seen: Seen[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers['x-tableau-auth'];
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        ...(typeof auth === 'string' ? { auth } : {}),
      };
      seen.push(s);
      if (!o.handle?.(s, res)) defaultRoute(s, res);
    });
  };
  const server = o.tls ? https.createServer({ key: o.tls.key, cert: o.tls.cert }, onRequest) : http.createServer(onRequest);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestPki {
  ca: string;
  key: string;
  cert: string;
  /** A server certificate that is its own issuer (DEPTH_ZERO_SELF_SIGNED_CERT when served). */
  selfSigned: { key: string; cert: string };
}

/** A throw-away CA and a server certificate for `domains` (mkcert, which office-addin-dev-certs uses). */
export async function testPki(domains: string[]): Promise<TestPki> {
  const ca = await createCA({ organization: 'Companion test CA', countryCode: 'US', state: 'WA', locality: 'Seattle', validity: 2 });
  const leaf = await createCert({ ca, domains, validity: 2 });
  return { ca: ca.cert, key: leaf.key, cert: leaf.cert, selfSigned: selfSignedServerCert(domains) };
}

/**
 * A self-signed SERVER certificate (serverAuth, not a CA), as an admin makes with `openssl req -x509`:
 * node-forge, which mkcert is built on (no types shipped, hence the loose type).
 */
function selfSignedServerCert(domains: string[]): { key: string; cert: string } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-forge ships no types
  const forge = createRequire(import.meta.url)('node-forge') as any;
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 2 * 86_400_000);
  const name = [{ name: 'commonName', value: domains[0] }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: domains.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

/** An agent `lookup` that resolves the given names (and nothing else) to fixed addresses. */
export function fixedLookup(names: Record<string, string>) {
  return (hostname: string, options: { all?: boolean } | number, callback: (...args: unknown[]) => void) => {
    const address = names[hostname];
    if (!address) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      return callback(err);
    }
    const all = typeof options === 'object' && options?.all;
    if (all) callback(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
}
