/**
 * Key rotation of the store's secrets (`npm run rotate-key`, scripts/rotate-key.ts;
 * docs/store.md#key-rotation).
 *
 * rotateKey: a new key becomes current, every secret is re-sealed under it in one transaction, the
 * old key stays in secret.key.previous so instances that still seal with it (until they see the
 * new files) write values the others can open. The steps are ordered so that a crash at any point
 * leaves every value openable from the files on disk:
 *   1. the new key joins the older keys (previous ← new, current, older): still nothing sealed with it;
 *   2. the re-seal transaction commits, or not at all;
 *   3. secret.key ← new key; 4. previous ← the old current and the older keys.
 * Each file is replaced by an atomic rename (keys.ts writeKeyFile).
 *
 * retireKeys: once every instance runs with the new key, re-seals what instances wrote with an old
 * key meanwhile and removes secret.key.previous.
 */
import { randomBytes } from 'node:crypto';

import { createSecretBox, KEY_BYTES, keyIdOf } from './crypto.js';
import type { Store } from './index.js';
import { distinctKeys, loadKeyRing, writeCurrentKey, writePreviousKeys } from './keys.js';
import type { ResealOutcome } from './reseal.js';

export interface RotationReport extends ResealOutcome {
  /** Ids of the keys (never the keys): the one that seals now, and the ones kept to open older values. */
  currentKeyId: string;
  previousKeyIds: string[];
}

type Rotatable = Pick<Store, 'resealSecrets' | 'sealedKeyCounts'>;

/** Step 1 alone (tests show a crash after it leaves everything openable): the new key among the opening keys. */
export function stageKey(dataDir: string, next: Buffer = randomBytes(KEY_BYTES)): Buffer {
  const ring = loadKeyRing(dataDir);
  writePreviousKeys(dataDir, [next, ring.current, ...ring.previous]);
  return next;
}

/** Steps 2–4 after stageKey: re-seal under `next` in one transaction, then make it secret.key. */
export async function resealAndPromote(store: Rotatable, dataDir: string, next: Buffer): Promise<RotationReport> {
  const ring = loadKeyRing(dataDir);
  const older = distinctKeys([ring.current, ...ring.previous]).filter((key) => !key.equals(next));
  const outcome = await store.resealSecrets(createSecretBox({ current: next, previous: older }));
  writeCurrentKey(dataDir, next);
  writePreviousKeys(dataDir, older);
  return { ...outcome, currentKeyId: keyIdOf(next), previousKeyIds: older.map(keyIdOf) };
}

export async function rotateKey(store: Rotatable, dataDir: string): Promise<RotationReport> {
  return resealAndPromote(store, dataDir, stageKey(dataDir));
}

/**
 * After every instance runs with the new key: what was sealed with an older key meanwhile is
 * re-sealed with the current one, and secret.key.previous is removed. Refuses (and keeps the file)
 * while any value an older key opens is left, e.g. an instance still sealing with the old key.
 */
export async function retireKeys(store: Rotatable, dataDir: string): Promise<RotationReport> {
  const ring = loadKeyRing(dataDir);
  const outcome = await store.resealSecrets(createSecretBox(ring));
  const counts = await store.sealedKeyCounts();
  const left = ring.previous.map(keyIdOf).filter((id) => (counts.get(id) ?? 0) > 0);
  if (left.length > 0) {
    throw new Error(
      `Secrets sealed with the old key ${left.join(', ')} were written while this ran: an instance still seals with it. ` +
        'Give every instance the current key files, then run this again.',
    );
  }
  writePreviousKeys(dataDir, []);
  return { ...outcome, currentKeyId: keyIdOf(ring.current), previousKeyIds: [] };
}
