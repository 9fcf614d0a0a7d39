import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

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
