/**
 * Every secret in the store, re-sealed under one key in one transaction (key rotation: rotate.ts,
 * docs/store.md#key-rotation). The sealed values are connections' credentials
 * (`connections.sealed_auth`, the connection id as associated data) and schedules' webhook URLs
 * (`schedules.webhook_url`, `schedule-webhook:<id>`); a webhook URL stored before webhooks were
 * sealed (plain `https://…`) is sealed now too.
 */
import { sealedKeyId, type SecretBox } from './crypto.js';
import { webhookAad } from './schedules.js';
import type { Sql, SqlParam } from './sql.js';

interface SealedValue {
  table: 'connections' | 'schedules';
  column: 'sealed_auth' | 'webhook_url';
  id: string;
  value: string;
  aad: string;
}

const isPlainUrl = (value: string) => /^https?:\/\//i.test(value);

async function sealedValues(sql: Sql): Promise<SealedValue[]> {
  const connections = await sql.all<{ id: string; sealed_auth: string }>('SELECT id, sealed_auth FROM connections');
  const webhooks = await sql.all<{ id: string; webhook_url: string }>(
    'SELECT id, webhook_url FROM schedules WHERE webhook_url IS NOT NULL',
  );
  return [
    ...connections.map((r) => ({
      table: 'connections' as const,
      column: 'sealed_auth' as const,
      id: r.id,
      value: r.sealed_auth,
      aad: r.id,
    })),
    ...webhooks.map((r) => ({
      table: 'schedules' as const,
      column: 'webhook_url' as const,
      id: r.id,
      value: r.webhook_url,
      aad: webhookAad(r.id),
    })),
  ];
}

export interface ResealOutcome {
  /** Values now sealed under the box's key. */
  resealed: number;
  /** Values no key of the box opens (sealed under a lost key): left as they are; their owners must connect again. */
  unreadable: number;
}

/**
 * Opens every secret with `box` and seals it again with its current key, all in one transaction:
 * a failure (or a crash) before the commit leaves every value as it was. A value changed by a
 * writer meanwhile is left to that writer (the update names the value it read).
 */
export async function resealSecrets(sql: Sql, box: SecretBox): Promise<ResealOutcome> {
  const statements: Array<readonly [string, SqlParam[]]> = [];
  let unreadable = 0;
  for (const v of await sealedValues(sql)) {
    let plaintext: string;
    try {
      plaintext = isPlainUrl(v.value) ? v.value : box.open(v.value, v.aad);
    } catch {
      unreadable++;
      continue;
    }
    statements.push([
      `UPDATE ${v.table} SET ${v.column} = ? WHERE id = ? AND ${v.column} = ?`,
      [box.seal(plaintext, v.aad), v.id, v.value],
    ]);
  }
  await sql.atomically(statements);
  return { resealed: statements.length, unreadable };
}

/** How many values each key sealed: key id → count ('v1': sealed before key ids; 'plain': a webhook URL never sealed). */
export async function sealedKeyCounts(sql: Sql): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const v of await sealedValues(sql)) {
    const id = isPlainUrl(v.value) ? 'plain' : (sealedKeyId(v.value) ?? 'unknown');
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Secrets sealed with keys not in `known` (key id → count). Values of before key ids (v1) cannot tell and are left out. */
export async function secretsUnderMissingKeys(sql: Sql, known: ReadonlySet<string>): Promise<Map<string, number>> {
  const counts = await sealedKeyCounts(sql);
  for (const id of [...counts.keys()]) if (known.has(id) || id === 'v1' || id === 'plain' || id === 'unknown') counts.delete(id);
  return counts;
}
