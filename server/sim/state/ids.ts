import { createHash, randomUUID } from 'node:crypto';

/** Deterministic LUID from a name, so the demo site keeps the same ids across restarts. */
export function stableId(...parts: string[]): string {
  const h = createHash('md5').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Cheap sequential LUID (no hashing) for generated large sites: 10k workbooks must build in < 1 s. */
export function seqId(prefix: number, n: number): string {
  const p = prefix.toString(16).padStart(8, '0');
  return `${p}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const newId = (): string => randomUUID();

/** Tableau derives content URLs from names by dropping everything but letters and digits. */
export function toContentUrl(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '') || 'Untitled';
}
