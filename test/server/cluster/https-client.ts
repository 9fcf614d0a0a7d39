/**
 * A JSON client that talks to the proxy as a browser at https://excel.example.com would: TLS to the
 * proxy's loopback port with that name for SNI and the certificate check (the test CA trusted), and
 * that name in Host. fetch cannot set Host nor a CA, hence node:https.
 */
import { request } from 'node:https';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc
  json: any;
}

export function proxyClient(port: number, name: string, ca: string) {
  const call = (method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          servername: name,
          ca,
          method,
          path,
          agent: false,
          headers: {
            host: name,
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { call };
}
