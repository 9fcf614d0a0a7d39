/**
 * The refresh log the pane shows: every refresh attempt in memory, the last N in localStorage so
 * it survives closing the pane (per browser profile, like the session token: never the workbook,
 * it travels with the file). Entries hold table names and plain-words outcomes, never a secret.
 */
import { z } from 'zod';

import type { KeyValueStorage } from '../../api/sessionStore.js';

export type RefreshTrigger = 'manual' | 'all' | 'timer' | 'open' | 'ribbon';
/** 'skipped': an automatic refresh left to the copy of the workbook holding the lease (lease.ts). */
export type LogOutcome = 'ok' | 'truncated' | 'snapshot' | 'error' | 'cancelled' | 'skipped';

const entrySchema = z.object({
  at: z.string(),
  table: z.string(),
  definitionId: z.string(),
  trigger: z.enum(['manual', 'all', 'timer', 'open', 'ribbon']),
  // Values are only ever added, so logs saved by earlier versions still parse.
  outcome: z.enum(['ok', 'truncated', 'snapshot', 'error', 'cancelled', 'skipped']),
  rows: z.number().optional(),
  durationMs: z.number(),
  /** Plain words: what happened (error text, columns added/removed, data as of). */
  message: z.string(),
});

export type LogEntry = z.infer<typeof entrySchema>;

const LOG_STORAGE_KEY = 'tableau-excel:refresh-log';
const DEFAULT_KEEP = 50;

export interface RefreshLog {
  add(entry: LogEntry): void;
  /** Newest first. */
  entries(): LogEntry[];
  clear(): void;
  subscribe(listener: () => void): () => void;
}

function defaultStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // sandboxed webview: memory only
  }
}

function load(storage: KeyValueStorage | undefined, key: string): LogEntry[] {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return [];
    const parsed = z.array(entrySchema).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return []; // a damaged log is not worth an error: start a new one
  }
}

export function createRefreshLog(options: { storage?: KeyValueStorage; key?: string; keep?: number } = {}): RefreshLog {
  const storage = 'storage' in options ? options.storage : defaultStorage();
  const key = options.key ?? LOG_STORAGE_KEY;
  const keep = options.keep ?? DEFAULT_KEEP;
  let list = load(storage, key).slice(0, keep);
  const listeners = new Set<() => void>();

  const save = () => {
    try {
      storage?.setItem(key, JSON.stringify(list.slice(0, keep)));
    } catch {
      /* quota: the in-memory log still works */
    }
  };

  return {
    add(entry) {
      list = [entry, ...list].slice(0, Math.max(keep, 200));
      save();
      listeners.forEach((l) => l());
    },
    entries: () => list,
    clear() {
      list = [];
      try {
        storage?.removeItem(key);
      } catch {
        /* nothing stored */
      }
      listeners.forEach((l) => l());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
