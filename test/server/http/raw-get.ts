import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * GET with the path sent exactly as written: fetch and axios resolve `%2e%2e` and `..` before
 * sending, so they cannot ask a server for a traversal path.
 */
export function rawGet(
  baseUrl: string,
  path: string,
  options: { rejectUnauthorized?: boolean } = {},
): Promise<{ status: number; body: string }> {
  const request = baseUrl.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/`, { path, rejectUnauthorized: options.rejectUnauthorized ?? true }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET with exactly these headers (fetch adds and undoes Accept-Encoding); the body undecoded. */
export function rawRequest(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
