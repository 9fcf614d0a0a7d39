/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per secret and the 128-bit auth tag stored
 * next to the ciphertext, under a 32-byte key kept in its own file (mode 0600) beside the database.
 * The key never enters the database, so a copied .sqlite file alone reveals nothing.
 * Each value names the key that sealed it, so a rotated key (keys.ts, rotate.ts) can be told apart
 * from a lost one and older keys keep opening what they sealed.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** v1: `v1.<iv>.<tag>.<ciphertext>` (before key rotation); v2 adds the sealing key's id after the format. */
const FORMAT_V1 = 'v1';
const FORMAT = 'v2';
const KEY_ID_CHARS = 16;

export interface SecretBox {
  /** `aad` binds the ciphertext to its owner (e.g. the connection id) so rows cannot be swapped. */
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
  /**
   * A 32-byte key for one `purpose`, derived from the store's key with HKDF-SHA256
   * (https://www.rfc-editor.org/rfc/rfc5869): every instance sharing the key file derives the same
   * one, and it reveals nothing of the store's key (e.g. the HMAC of Tableau secrets: sessions.ts).
   */
  deriveKey(purpose: string): Buffer;
}

/** Reads the key file, creating it (0600, parent 0700) on first use; tightens a too-open mode. */
export function loadOrCreateKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES) {
    throw new Error(`Key file ${path} must hold exactly ${KEY_BYTES} bytes (found ${key.length}).`);
  }
  return key;
}

/** A key's name in sealed values: not secret (a truncated SHA-256 of the key says nothing of it). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('tableau-excel secret key id\0').update(key).digest('hex').slice(0, KEY_ID_CHARS);
}

/** The key that seals (`current`) and older keys that still open what they sealed (key rotation, keys.ts). */
export interface KeyRing {
  current: Buffer;
  previous: readonly Buffer[];
}

/** Which key sealed a value: its key id (v2), 'v1' (sealed before key ids, by an unnamed key), or undefined (not sealed). */
export function sealedKeyId(sealed: string): string | undefined {
  if (sealed.startsWith(`${FORMAT_V1}.`)) return FORMAT_V1;
  if (sealed.startsWith(`${FORMAT}.`)) return sealed.split('.')[1];
  return undefined;
}

/** A value sealed under a key this process does not hold: the key was rotated elsewhere, or it is lost. */
export class UnknownKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`The secret is sealed with key ${keyId}, which this server does not have.`);
    this.name = 'UnknownKeyError';
  }
}

function openWith(key: Buffer, iv64: string, tag64: string, body64: string, aad: string): string {
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv64, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag64, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body64, 'base64')), decipher.final()]).toString('utf8');
}

/**
 * Seals with the ring's current key as `v2.<key id>.<iv>.<tag>.<ciphertext>`; opens v2 values with
 * the key they name, and values sealed before key ids (`v1.…`, one key then) with each key in turn:
 * GCM's tag refuses a wrong key, so the first that authenticates is the one.
 */
export function createSecretBox(keys: Buffer | KeyRing): SecretBox {
  const ring = Buffer.isBuffer(keys) ? { current: keys, previous: [] } : keys;
  for (const key of [ring.current, ...ring.previous]) {
    if (key.length !== KEY_BYTES) throw new Error(`AES-256-GCM needs a ${KEY_BYTES}-byte key.`);
  }
  const byId = new Map([ring.current, ...ring.previous].map((key) => [keyIdOf(key), key]));
  const currentId = keyIdOf(ring.current);
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, ring.current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, currentId, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts[0] === FORMAT && parts.length === 5) {
        const key = byId.get(parts[1]);
        if (!key) throw new UnknownKeyError(parts[1]);
        return openWith(key, parts[2], parts[3], parts[4], aad);
      }
      if (parts[0] !== FORMAT_V1 || parts.length !== 4) throw new Error('Unreadable sealed secret.');
      let failure: unknown;
      for (const key of byId.values()) {
        try {
          return openWith(key, parts[1], parts[2], parts[3], aad);
        } catch (err) {
          failure = err;
        }
      }
      throw failure;
    },
    // From the current key: after a rotation the derived keys change too, so what they keyed (the
    // shared Tableau sessions' cache keys) is simply made again, once, under the new key.
    deriveKey(purpose) {
      return Buffer.from(hkdfSync('sha256', ring.current, Buffer.alloc(0), `companion:${purpose}`, KEY_BYTES));
    },
  };
}
