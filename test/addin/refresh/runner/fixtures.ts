/**
 * Test bench for the refresh runner: the real memoryGateway and DefinitionStore, and a
 * scriptable fake of the server API (pull per source id, connections, snapshots).
 */
import { vi } from 'vitest';

import type { CallOptions } from '../../../../addin/api/client.js';
import type { SnapshotStream } from '../../../../addin/api/schedules.js';
import { type DefinitionInput, DefinitionStore } from '../../../../addin/refresh/definitions/store.js';
import { createRefreshLog } from '../../../../addin/refresh/runner/log.js';
import { RefreshRunner, type RunnerOptions } from '../../../../addin/refresh/runner/runner.js';
import { createSignInGate } from '../../../../addin/refresh/runner/signin.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import type { ConnectionInfo, PullRequest } from '../../../../common/api.js';
import type { CellValue, ColumnSpec, StreamMessage } from '../../../../common/stream.js';

export const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'decimal', format: '#,##0.00' },
];

export const rows = (n: number, base = 1): CellValue[][] => Array.from({ length: n }, (_, i) => [`R${base + i}`, base + i]);

export function connectionInfo(id: string, overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    id,
    label: `demo ${id}`,
    serverUrl: 'https://tableau.example.com',
    siteContentUrl: 'finance',
    authKind: 'pat',
    principal: 'me',
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export const ok = (cols: ColumnSpec[], data: CellValue[][], truncated = false): StreamMessage[] => [
  { kind: 'meta', columns: cols, source: 'Superstore / Overview' },
  ...(data.length ? [{ kind: 'rows' as const, rows: data }] : []),
  { kind: 'end', rowCount: data.length, truncated },
];

export type Script = StreamMessage[] | ((request: PullRequest, connectionId: string, signal?: AbortSignal) => AsyncIterable<StreamMessage>);

export async function* streamOf(messages: StreamMessage[], signal?: AbortSignal): AsyncGenerator<StreamMessage> {
  for (const m of messages) {
    await Promise.resolve();
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    yield m;
  }
}

/** A stream that stops after `before` and waits until released (or aborted). */
export function gated(before: StreamMessage[], after: StreamMessage[]) {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  async function* run(signal?: AbortSignal): AsyncGenerator<StreamMessage> {
    yield* streamOf(before, signal);
    started();
    await new Promise<void>((resolve, reject) => {
      void opened.then(resolve);
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    });
    yield* streamOf(after, signal);
  }
  return { run, release: () => release(), started: startedP };
}

export function fakeApi(connections: ConnectionInfo[] = [connectionInfo('c1')]) {
  const scripts = new Map<string, Script[]>();
  const api = {
    connections,
    listConnections: vi.fn(async (_opts?: CallOptions) => api.connections),
    pull: vi.fn((connectionId: string, request: PullRequest, opts?: CallOptions): AsyncIterable<StreamMessage> => {
      const key =
        request.source.kind === 'view'
          ? request.source.viewId
          : request.source.kind === 'datasource'
            ? request.source.datasourceId
            : request.source.resource;
      const queue = scripts.get(key) ?? [];
      const script = queue.length > 1 ? queue.shift()! : queue[0];
      if (!script) return streamOf([{ kind: 'error', error: { code: 'not-found', message: `no script for ${key}` } }]);
      return typeof script === 'function' ? script(request, connectionId, opts?.signal) : streamOf(script, opts?.signal);
    }),
    /** Scripts for a view id, used in order; the last one repeats. */
    script(viewId: string, ...list: Script[]) {
      scripts.set(viewId, list);
    },
  };
  return api;
}

export function fakeSnapshots(dataAsOf: string | null, messages: StreamMessage[]) {
  return {
    latestSnapshot: vi.fn(async (_sid: string, opts?: CallOptions): Promise<SnapshotStream> => ({
      dataAsOf,
      messages: streamOf(messages, opts?.signal),
    })),
  };
}

export function viewDefinition(table: string, viewId: string, overrides: Partial<DefinitionInput> = {}): DefinitionInput {
  return {
    source: { kind: 'view', viewId, name: `View ${viewId}` },
    connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' },
    target: { sheet: 'Sheet1', tableName: table },
    options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: null },
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    ...overrides,
  };
}

export async function bench(
  options: Partial<RunnerOptions> & {
    api?: ReturnType<typeof fakeApi>;
    tables?: Array<{ name: string; viewId: string; at: string; rows?: number; def?: Partial<DefinitionInput> }>;
  } = {},
) {
  const gateway = memoryGateway();
  const store = new DefinitionStore(gateway, { now: () => new Date('2026-03-01T09:00:00Z') });
  const api = options.api ?? fakeApi();
  const ids: Record<string, string> = {};
  for (const t of options.tables ?? [{ name: 'Sales', viewId: 'v1', at: 'A1' }]) {
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: t.at }, columns, rows(t.rows ?? 3), { tableName: t.name });
    ids[t.name] = (await store.upsert(viewDefinition(t.name, t.viewId, t.def))).id;
  }
  const storage = new Map<string, string>();
  const log = createRefreshLog({
    storage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
      removeItem: (k) => void storage.delete(k),
    },
  });
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const now = () => new Date((clock += 250));
  const signIn = options.signIn ?? createSignInGate();
  const runner = new RefreshRunner({ gateway, store, api, log, now, signIn, ...options });
  const cells = () => {
    const s = gateway.workbook.snapshot();
    return JSON.stringify({ sheets: s.sheets, tables: s.tables });
  };
  return { gateway, workbook: gateway.workbook, store, api, runner, ids, log, storage, cells, signIn };
}
