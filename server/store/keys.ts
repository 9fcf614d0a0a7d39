/**
 * The store's key files in the data directory: `secret.key` seals (32 bytes), and after a rotation
 * `secret.key.previous` holds older keys (32 bytes each, newest first) that still open what they
 * sealed. Both mode 0600, never in the database (docs/store.md#key-rotation).
 *
 * A running server notices new key files (a rotation here, or files copied in from where it ran)
 * without a restart: it looks at the files again before sealing and when a value names a key it
 * does not hold, so it seals with the new key from then on and opens what was re-sealed with it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { createSecretBox, KEY_BYTES, keyIdOf, type KeyRing, loadOrCreateKey, type SecretBox, UnknownKeyError } from './crypto.js';

export const KEY_FILE = 'secret.key';
export const PREVIOUS_KEYS_FILE = 'secret.key.previous';

const previousPath = (dataDir: string) => join(dataDir, PREVIOUS_KEYS_FILE);

/** The data directory's keys: secret.key (created on first use) and the older keys, if any. */
export function loadKeyRing(dataDir: string): KeyRing {
  const current = loadOrCreateKey(join(dataDir, KEY_FILE));
  let bytes: Buffer;
  try {
    bytes = readFileSync(previousPath(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { current, previous: [] };
    throw err;
  }
  if (bytes.length % KEY_BYTES !== 0) {
    throw new Error(`Key file ${previousPath(dataDir)} must hold whole ${KEY_BYTES}-byte keys (found ${bytes.length} bytes).`);
  }
  const previous: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += KEY_BYTES) previous.push(bytes.subarray(i, i + KEY_BYTES));
  return { current, previous };
}

/** Keys without repeats (by id), in order. */
export function distinctKeys(keys: readonly Buffer[]): Buffer[] {
  const byId = new Map<string, Buffer>();
  for (const key of keys) if (!byId.has(keyIdOf(key))) byId.set(keyIdOf(key), key);
  return [...byId.values()];
}

/**
 * Replaces a key file all at once: written beside it (0600), flushed, renamed over it, and the
 * directory flushed, so a crash leaves the old file or the new one, never half of one
 * (rename(2) is atomic within a file system).
 */
function writeKeyFile(path: string, bytes: Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  // A fresh file ('wx'), so the mode is ours: a leftover of a cut run could have been made readable.
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function writePreviousKeys(dataDir: string, keys: readonly Buffer[]): void {
  if (keys.length === 0) rmSync(previousPath(dataDir), { force: true });
  else writeKeyFile(previousPath(dataDir), Buffer.concat(distinctKeys(keys)));
}

export const writeCurrentKey = (dataDir: string, key: Buffer) => writeKeyFile(join(dataDir, KEY_FILE), key);

/** What the key files look like now (inode, size, time): changes whenever one is replaced. */
function stampOf(dataDir: string): string {
  return [KEY_FILE, PREVIOUS_KEYS_FILE]
    .map((name) => {
      try {
        const s = statSync(join(dataDir, name));
        return `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

/** Which keys the data directory lacks, and what the operator does about it. */
function missingKeyAdvice(what: string, keyIds: readonly string[], dataDir: string): string {
  return (
    `${what} sealed with key ${keyIds.join(', ')}, which neither ${join(dataDir, KEY_FILE)} nor ${previousPath(dataDir)} holds. ` +
    `If the store's key was rotated (npm run rotate-key), copy ${KEY_FILE} and ${PREVIOUS_KEYS_FILE} from the data directory ` +
    `where it ran into ${dataDir} (docs/store.md#key-rotation); if the key was lost, so are those secrets: their owners connect again.`
  );
}

/** A value sealed under a key this instance's data directory does not hold, with what to do about it. */
export class MissingKeyError extends UnknownKeyError {
  constructor(keyId: string, dataDir: string) {
    super(keyId);
    this.message = missingKeyAdvice('The secret is', [keyId], dataDir);
    this.name = 'MissingKeyError';
  }
}

/** Said at start when the store holds secrets under keys this data directory lacks (`missing`: key id → count). */
export function missingKeysWarning(missing: ReadonlyMap<string, number>, dataDir: string): string | undefined {
  if (missing.size === 0) return undefined;
  const count = [...missing.values()].reduce((a, b) => a + b, 0);
  return missingKeyAdvice(`${count} secret${count === 1 ? ' is' : 's are'}`, [...missing.keys()], dataDir);
}

/** The ids of the data directory's keys (current and previous). */
export function knownKeyIds(dataDir: string): Set<string> {
  const ring = loadKeyRing(dataDir);
  return new Set([ring.current, ...ring.previous].map(keyIdOf));
}

/** The SecretBox of a data directory's key files, following them when they change. */
export function keyFilesBox(dataDir: string): SecretBox {
  let stamp = stampOf(dataDir);
  let box = createSecretBox(loadKeyRing(dataDir));
  const reload = (): boolean => {
    const now = stampOf(dataDir);
    if (now === stamp) return false;
    box = createSecretBox(loadKeyRing(dataDir));
    stamp = stampOf(dataDir);
    return true;
  };
  return {
    seal(plaintext, aad) {
      reload();
      return box.seal(plaintext, aad);
    },
    open(sealed, aad) {
      try {
        return box.open(sealed, aad);
      } catch (err) {
        if (!(err instanceof UnknownKeyError)) throw err;
        if (!reload()) throw new MissingKeyError(err.keyId, dataDir);
      }
      try {
        return box.open(sealed, aad);
      } catch (err) {
        throw err instanceof UnknownKeyError ? new MissingKeyError(err.keyId, dataDir) : err;
      }
    },
    deriveKey(purpose) {
      reload();
      return box.deriveKey(purpose);
    },
  };
}
