import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createSecretBox, keyIdOf, loadOrCreateKey, sealedKeyId, UnknownKeyError } from '../../../server/store/crypto.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'store-crypto-'));

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips a secret and never shows the plaintext in the sealed form', () => {
    const sealed = box.seal('my-pat-secret', 'conn-1');
    expect(sealed).not.toContain('my-pat-secret');
    expect(box.open(sealed, 'conn-1')).toBe('my-pat-secret');
  });

  it('uses a fresh IV per secret', () => {
    expect(box.seal('same', 'a')).not.toBe(box.seal('same', 'a'));
  });

  it('rejects a tampered ciphertext, a ciphertext moved to another owner, and another key', () => {
    const sealed = box.seal('secret', 'conn-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64');
    body[0] ^= 1;
    const tampered = [...parts.slice(0, 4), body.toString('base64')].join('.');
    expect(() => box.open(tampered, 'conn-1')).toThrow();
    expect(() => box.open(sealed, 'conn-2')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'conn-1')).toThrow();
    expect(() => box.open('garbage', 'conn-1')).toThrow(/Unreadable/);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow();
  });
});

describe('key ring (rotation)', () => {
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];

  it('names the sealing key in each value, and opens values of older keys by that name', () => {
    const sealedOld = createSecretBox(oldKey).seal('old secret', 'a');
    expect(sealedKeyId(sealedOld)).toBe(keyIdOf(oldKey));
    expect(keyIdOf(oldKey)).not.toContain(oldKey.toString('hex').slice(0, 8));
    const ring = createSecretBox({ current: newKey, previous: [oldKey] });
    expect(ring.open(sealedOld, 'a')).toBe('old secret');
    const sealedNew = ring.seal('new secret', 'b');
    expect(sealedKeyId(sealedNew)).toBe(keyIdOf(newKey));
    expect(createSecretBox(newKey).open(sealedNew, 'b')).toBe('new secret');
  });

  it('opens values sealed before key ids (v1) with whichever key of the ring sealed them', () => {
    const v1 = (key: Buffer) => {
      // What crypto.ts wrote before key rotation: v1.<iv>.<tag>.<ciphertext>, no key id.
      const parts = createSecretBox(key).seal('legacy', 'a').split('.');
      return ['v1', parts[2], parts[3], parts[4]].join('.');
    };
    expect(createSecretBox({ current: newKey, previous: [oldKey] }).open(v1(oldKey), 'a')).toBe('legacy');
    expect(sealedKeyId(v1(oldKey))).toBe('v1');
    expect(() => createSecretBox(newKey).open(v1(oldKey), 'a')).toThrow();
  });

  it('says which key is missing when a value names one the ring lacks', () => {
    const sealed = createSecretBox(newKey).seal('x', 'a');
    let caught: unknown;
    try {
      createSecretBox(oldKey).open(sealed, 'a');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnknownKeyError);
    expect((caught as UnknownKeyError).keyId).toBe(keyIdOf(newKey));
  });
});

describe('key file', () => {
  it('is created with mode 0600 and reused on the next start', () => {
    const path = join(tmp(), 'nested', 'secret.key');
    const key = loadOrCreateKey(path);
    expect(key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKey(path).equals(key)).toBe(true);
    expect(readFileSync(path).equals(key)).toBe(true);
  });

  it('tightens a key file that others can read', () => {
    const path = join(tmp(), 'secret.key');
    writeFileSync(path, randomBytes(32));
    chmodSync(path, 0o644);
    loadOrCreateKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a truncated key file instead of silently making a new key', () => {
    const path = join(tmp(), 'secret.key');
    writeFileSync(path, randomBytes(5), { mode: 0o600 });
    expect(() => loadOrCreateKey(path)).toThrow(/32 bytes/);
  });
});
