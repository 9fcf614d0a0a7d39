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

/**
 * Until the pane read the partition key after Office.onReady, it read it before, when
 * Office.context is not yet set up (https://learn.microsoft.com/office/dev/add-ins/develop/initialize-add-in),
 * so on Excel on the web every token was saved under the unpartitioned key. Move such a token to
 * the partitioned key once (then delete the old copy, so a later sign-out cannot bring it back).
 */
function migrateUnpartitioned(storage: KeyValueStorage | undefined, key: string): void {
  if (!storage || key === BASE_KEY) return;
  try {
    const old = storage.getItem(BASE_KEY);
    if (old === null) return;
    if (storage.getItem(key) === null) storage.setItem(key, old);
    storage.removeItem(BASE_KEY);
  } catch {
    /* sandboxed or full storage: the analyst signs in again at worst */
  }
}

/**
 * `partitionKey`: the host's (addin/host/adapter.ts), read after Office is ready, so each
 * partition keeps its own token.
 */
export function createSessionStore(storage = defaultStorage(), partitionKey?: string | null): SessionStore {
  const key = sessionKey(partitionKey);
  migrateUnpartitioned(storage, key);
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
