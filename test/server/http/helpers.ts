import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { StreamMessage } from '../../../common/stream.js';
import { createLogger } from '../../../server/log.js';

export const tempDir = (prefix = 'companion-') => mkdtempSync(join(tmpdir(), prefix));

/** A pino logger writing into memory, so tests can assert what reached the log. */
export function captureLogger(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, text: () => lines.join('') };
}

export interface Recorded {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc
  json: any;
}

/** fetch wrapper that records every response body (for "no secret in any response" checks). */
export function apiClient(baseUrl: string) {
  const seen: string[] = [];
  async function call(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Recorded> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    seen.push(text);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  return { call, responses: () => seen.join('\n') };
}

/** The simulator's demo site, as a client would name it (`serverUrl` may be a proxy in front of it). */
interface DemoSite {
  url: string;
  demo: { siteContentUrl: string; patName: string; patSecret: string };
}

/** POST /api/connections to the demo site: the new session's token and the connection id. */
export async function connectDemo(
  api: ReturnType<typeof apiClient>,
  sim: DemoSite,
  serverUrl = sim.url,
): Promise<{ token: string; cid: string }> {
  const res = await api.call('POST', '/api/connections', {
    body: {
      serverUrl,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    },
  });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${res.text}`);
  return { token: res.json.sessionToken, cid: res.json.connection.id };
}

/** An NDJSON pull body → its typed messages, and the rows they carry. */
export const parseNdjson = (text: string): StreamMessage[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as StreamMessage);
export const rowsOf = (ms: StreamMessage[]) => ms.flatMap((m) => (m.kind === 'rows' ? m.rows : []));
