/**
 * Where the companion-server session token lives: localStorage, namespaced with
 * Office.context.partitionKey when Office gives one (partitioned storage on Excel on the web,
 * https://learn.microsoft.com/office/dev/add-ins/develop/persisting-add-in-state-and-settings),
 * never the workbook (it travels with the file).
 */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SessionStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

const BASE_KEY = 'tableau-excel:session-token';

export function sessionKey(partitionKey?: string | null): string {
  return partitionKey ? `${partitionKey}:${BASE_KEY}` : BASE_KEY;
}

function defaultStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    // Some sandboxed webviews throw on localStorage access: keep the token in memory then.
    return undefined;
  }
}

/** `partitionKey`: the host's (addin/host/adapter.ts), so each partition keeps its own token. */
export function createSessionStore(storage = defaultStorage(), partitionKey?: string | null): SessionStore {
  const key = sessionKey(partitionKey);
  let memory: string | null = null;
  return {
    get() {
      try {
        return storage ? storage.getItem(key) : memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(key, token);
      } catch {
        /* quota or sandbox: the in-memory copy still works for this pane's lifetime */
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}
