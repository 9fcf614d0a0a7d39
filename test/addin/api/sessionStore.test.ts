/**
 * The session store (addin/api/sessionStore.ts): one token per storage partition, and the one-time
 * move of tokens saved under the unpartitioned key while the pane read the partition key before
 * Office.onReady (always undefined then on Excel on the web).
 */
import { describe, expect, it } from 'vitest';

import { createSessionStore, type KeyValueStorage, sessionKey } from '../../../addin/api/sessionStore.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  const storage: KeyValueStorage = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
  return { storage, map };
}

const BASE = sessionKey();

describe('session store', () => {
  it('keeps a token per partition', () => {
    const { storage, map } = memoryStorage();
    createSessionStore(storage, 'pk1').set('t1');
    createSessionStore(storage, 'pk2').set('t2');
    expect(createSessionStore(storage, 'pk1').get()).toBe('t1');
    expect(map.get('pk2:tableau-excel:session-token')).toBe('t2');
    expect(map.has(BASE)).toBe(false);
  });

  it('moves a token saved under the unpartitioned key to the partition, once', () => {
    const { storage, map } = memoryStorage({ [BASE]: 'old-token' });
    const store = createSessionStore(storage, 'pk-web');
    expect(store.get()).toBe('old-token');
    expect(map.has(BASE)).toBe(false);
    // A sign-out stays a sign-out: nothing is moved again on the next start.
    store.clear();
    expect(createSessionStore(storage, 'pk-web').get()).toBeNull();
  });

  it('keeps a token already in the partition (and drops the stale unpartitioned one)', () => {
    const { storage, map } = memoryStorage({ [BASE]: 'old', [sessionKey('pk')]: 'current' });
    expect(createSessionStore(storage, 'pk').get()).toBe('current');
    expect(map.has(BASE)).toBe(false);
  });

  it('leaves the unpartitioned key alone where there is no partition (Excel on the desktop)', () => {
    const { storage, map } = memoryStorage({ [BASE]: 'desktop' });
    expect(createSessionStore(storage, undefined).get()).toBe('desktop');
    expect(map.get(BASE)).toBe('desktop');
  });

  it('survives storage that throws (sandboxed webviews)', () => {
    const throwing: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const store = createSessionStore(throwing, 'pk');
    store.set('t');
    expect(store.get()).toBe('t');
  });
});
