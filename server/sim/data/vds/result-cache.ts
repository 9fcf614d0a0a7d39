/**
 * The simulator's query cache: Tableau answers a repeated identical query from its query cache
 * instead of running it again, and so does the simulator. It keeps the serialized response bytes
 * of the last few queries, keyed by data source + data stamp (catalog.ts dataStamp: changes on
 * every extract refresh) + the normalized request, bounded by total bytes (least recently used
 * goes first). Entries of a data source whose data changed are dropped at once.
 */
import type { QFilter, VdsQueryBody } from './query-types.js';

/** What any cached answer holds: the response body, in the chunks it was first sent in. */
export interface CachedBytes {
  chunks: Buffer[];
  bytes: number;
}

export interface CachedResult extends CachedBytes {
  rowCount: number;
  /** The size estimate the limit check used when the query ran (routes.ts). */
  estimate: number;
}

type Entry<T> = T & {
  datasource: string;
  stamp: string;
};

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 16;

/** Also the view CSV export's cache (data/export-cache.ts), with its own T. */
export class ResultCache<T extends CachedBytes = CachedResult> {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry<T>>();
  private total = 0;

  constructor(
    readonly maxBytes = DEFAULT_CACHE_BYTES,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** The cached answer for `key`, if the data source's data is still at `stamp`. */
  get(key: string, datasource: string, stamp: string): T | undefined {
    this.dropStale(datasource, stamp);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Keeps a complete answer; one larger than the whole cache is not kept. */
  set(key: string, datasource: string, stamp: string, result: T): void {
    this.dropStale(datasource, stamp);
    this.delete(key);
    if (result.bytes > this.maxBytes) return;
    while (this.entries.size > 0 && (this.total + result.bytes > this.maxBytes || this.entries.size >= this.maxEntries)) {
      this.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { ...result, datasource, stamp });
    this.total += result.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  private dropStale(datasource: string, stamp: string): void {
    for (const [key, entry] of this.entries) if (entry.datasource === datasource && entry.stamp !== stamp) this.delete(key);
  }
}

/**
 * Passes the chunks through and hands them to `keep` once all were sent: an answer the client
 * stopped reading (the generator is returned early) or one larger than `maxBytes` is not kept.
 */
export function* remembered(
  chunks: Iterable<Buffer>,
  maxBytes: number,
  keep: (chunks: Buffer[], bytes: number) => void,
): Generator<Buffer> {
  let kept: Buffer[] | undefined = [];
  let bytes = 0;
  for (const chunk of chunks) {
    bytes += chunk.length;
    if (kept && bytes > maxBytes) kept = undefined;
    kept?.push(chunk);
    yield chunk;
  }
  if (kept) keep(kept, bytes);
}

/** JSON with object keys sorted, so {a,b} and {b,a} name the same query. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A relative date filter without anchorDate is relative to the current time: its answer changes. */
function dependsOnNow(filter: QFilter): boolean {
  return filter.filterType === 'DATE' && filter.anchorDate === undefined;
}

export interface CacheableRequest {
  query: VdsQueryBody;
  returnFormat: 'OBJECTS' | 'ARRAYS';
  disaggregate?: boolean;
  rowLimit?: number;
  captionsAreNames?: boolean;
}

/** The cache key of a query-datasource request, or undefined when its answer cannot be reused. */
export function resultCacheKey(request: CacheableRequest): string | undefined {
  if ((request.query.filters ?? []).some(dependsOnNow)) return undefined;
  return canonical({
    query: request.query,
    format: request.returnFormat,
    disaggregate: request.disaggregate === true,
    rowLimit: request.rowLimit,
    captions: request.captionsAreNames === true,
  });
}
