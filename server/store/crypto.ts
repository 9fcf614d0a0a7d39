/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per secret and the 128-bit auth tag stored
 * next to the ciphertext, under a 32-byte key kept in its own file (mode 0600) beside the database.
 * The key never enters the database, so a copied .sqlite file alone reveals nothing.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

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

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`AES-256-GCM needs a ${KEY_BYTES}-byte key.`);
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed, aad) {
      const [format, iv64, tag64, body64] = sealed.split('.');
      if (format !== FORMAT || iv64 === undefined || tag64 === undefined || body64 === undefined) {
        throw new Error('Unreadable sealed secret.');
      }
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv64, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag64, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body64, 'base64')), decipher.final()]).toString('utf8');
    },
    deriveKey(purpose) {
      return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `companion:${purpose}`, KEY_BYTES));
    },
  };
}
