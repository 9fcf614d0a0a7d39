/**
 * The view CSV export's cache. Tableau serves an unchanged view's data from its cache: Query View
 * Data's `maxAge` is "the maximum number of minutes view data will be cached before being
 * refreshed", at least one minute
 * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm#query_view_data).
 * Without `maxAge` the server's setting rules, and by default "Tableau Server will cache and reuse
 * data for as long as possible" (https://help.tableau.com/current/server/en-us/config_cache.htm), so
 * here an answer serves until its data changes.
 * So the simulator keeps the bytes of the last exports, keyed by site + view data + the exact
 * filters and parameters, stamped with the dataset's data stamp (catalog.ts dataStamp), so any
 * extract refresh, mutation, row edit or reset drops them (vds/result-cache.ts does the same for
 * VDS). The bytes are the ones a fresh export would send; only the simulator's CPU is spared, which
 * otherwise shares the machine with the servers a benchmark measures.
 *
 * Faults, latency and the export gauge act in the onRequest hooks (hooks.ts, exports.ts) before the
 * route runs, so a cached answer gets them exactly as a computed one; it is still streamed.
 */
import { Readable } from 'node:stream';

import type { Clock } from '../clock.js';
import { dataStamp } from './catalog.js';
import { csvChunks, type ExportRequest } from './csv-export.js';
import { type CachedBytes, canonical, remembered, ResultCache } from './vds/result-cache.js';
import { type ImageFormat, type ImageResolution, renderViewImage } from './view-image.js';
import type { ViewSpec } from './views.js';

interface CachedExport extends CachedBytes {
  /** Clock time the export was computed, for `maxAge`. */
  storedAt: number;
}

/** A few dozen distinct filter/parameter combinations per view; large views' exports are bounded by bytes. */
const MAX_EXPORTS = 64;
const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
/** "the minimum allowed interval is one minute" (Query View Data, maxAge). */
const MIN_MAX_AGE_MINUTES = 1;

export class ExportCache {
  private readonly cache: ResultCache<CachedExport>;

  constructor(
    private readonly clock: Clock,
    maxBytes = MAX_EXPORT_BYTES,
    maxEntries = MAX_EXPORTS,
  ) {
    this.cache = new ResultCache<CachedExport>(maxBytes, maxEntries);
  }

  get size(): number {
    return this.cache.size;
  }

  /** A cached answer at the current data stamp that is at most `maxAgeMinutes` old. */
  private fresh(key: string, spec: ViewSpec, stamp: string, maxAgeMinutes: number | undefined): CachedExport | undefined {
    const hit = this.cache.get(key, spec.datasetKey, stamp);
    const maxAgeMs = maxAgeMinutes === undefined ? Infinity : Math.max(maxAgeMinutes, MIN_MAX_AGE_MINUTES) * 60_000;
    return hit && this.clock.now() - hit.storedAt <= maxAgeMs ? hit : undefined;
  }

  /**
   * The export as a byte stream, from the cache when an answer at the current data stamp exists and
   * is at most `maxAgeMinutes` old. Throws (before any byte) for an unusable request, like csvChunks.
   */
  stream(siteId: string, spec: ViewSpec, request: ExportRequest, maxAgeMinutes?: number): Readable {
    const stamp = dataStamp(spec.datasetKey);
    if (stamp === undefined) return Readable.from(csvChunks(spec, request));
    const key = canonical({ siteId, view: spec.key, filters: request.filters, parameters: request.parameters });
    const hit = this.fresh(key, spec, stamp, maxAgeMinutes);
    if (hit) return Readable.from(hit.chunks);
    const now = this.clock.now();
    const chunks = remembered(csvChunks(spec, request), this.cache.maxBytes, (kept, bytes) =>
      this.cache.set(key, spec.datasetKey, stamp, { chunks: kept, bytes, storedAt: now }),
    );
    return Readable.from(chunks);
  }

  /**
   * A picture of the view (Query View Image honours `maxAge` as Query View Data does, same reference
   * page): cached by the same rules, keyed also by format and resolution. Throws like renderViewImage.
   */
  image(siteId: string, spec: ViewSpec, request: ExportRequest, options: ImageOptions, maxAgeMinutes?: number): Buffer {
    const render = () => renderViewImage(spec, request, options.format, options.resolution);
    const stamp = dataStamp(spec.datasetKey);
    if (stamp === undefined) return render();
    const key = canonical({ siteId, view: spec.key, filters: request.filters, parameters: request.parameters, image: options });
    const hit = this.fresh(key, spec, stamp, maxAgeMinutes);
    if (hit) return Buffer.concat(hit.chunks);
    const bytes = render();
    if (bytes.length <= this.cache.maxBytes)
      this.cache.set(key, spec.datasetKey, stamp, { chunks: [bytes], bytes: bytes.length, storedAt: this.clock.now() });
    return bytes;
  }
}

export interface ImageOptions {
  format: ImageFormat;
  resolution: ImageResolution;
}
