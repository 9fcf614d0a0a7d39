/**
 * View data export: GET /views/{id}/data (and /customviews/{id}/data) streamed as CSV bytes.
 * The CSV holds the view's summary data as FORMATTED values ("$45,047", "14.4%"); un-formatting is
 * server/pull's job. Streaming matters: a ~200 MB export hung TSC when buffered (TSC #1374).
 */
import type { Readable } from 'node:stream';

import type { AuthedTransport } from './authed.js';
import { TableauError } from './errors.js';
import { buildQuery } from './http.js';
import type { ExportSlots } from './limiter.js';
import { type ChunkEdit, readAhead, type ReadAheadOptions, type ReadAheadStream } from './read-ahead.js';

export interface ViewDataOptions {
  /** vf_<field>=<value>: exact match only (TSC PR #1835). Keys without the vf_ prefix. */
  filters?: Record<string, string>;
  /** vf_Parameters.<name>=<value> (TSC request_options.py; the server is case-sensitive about the prefix). */
  parameters?: Record<string, string>;
  /** Minutes Tableau may serve cached data (TSC validates 0..240, shortest 1). */
  maxAgeMinutes?: number;
}

/** Build the export query: `vf_Region=East&vf_Parameters.Top%20N=10&maxAge=5`. */
export function viewDataQuery(o: ViewDataOptions): string {
  const params: Record<string, string | number | undefined> = {};
  for (const [k, v] of Object.entries(o.filters ?? {})) {
    // tableau-mcp viewsMethods.ts auto-prefixes keys that lack vf_; accept either spelling.
    params[k.startsWith('vf_') ? k : `vf_${k}`] = v;
  }
  for (const [k, v] of Object.entries(o.parameters ?? {})) {
    const name = k.replace(/^vf_/, '').replace(/^Parameters\./, '');
    params[`vf_Parameters.${name}`] = v;
  }
  if (o.maxAgeMinutes !== undefined) {
    if (!Number.isInteger(o.maxAgeMinutes) || o.maxAgeMinutes < 1 || o.maxAgeMinutes > 240) {
      throw new TableauError({ code: 'invalid-input', message: 'maxAge must be a whole number of minutes between 1 and 240.' });
    }
    params.maxAge = o.maxAgeMinutes;
  }
  return buildQuery(params);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Drops a leading UTF-8 BOM even when it arrives split over several chunks (BOM use is unverified, docs/tableau-rest.md#view-data-csv). */
export function bomEdit(): ChunkEdit {
  let head: Buffer | null = Buffer.alloc(0);
  return {
    chunk(bytes) {
      if (head === null) return bytes;
      head = Buffer.concat([head, bytes]);
      if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) return undefined;
      const out = head.subarray(0, 3).equals(BOM) ? head.subarray(3) : head;
      head = null;
      return out.length ? out : undefined;
    },
    end() {
      // Fewer than 3 bytes in total: only a complete BOM is dropped.
      const rest = head;
      head = null;
      return rest?.length ? rest : undefined;
    },
  };
}

/**
 * Hold one slot of the site's export limiter while Tableau sends: from the request until the body has
 * ended, failed, or been cancelled by the reader, not until the reader has read it (read-ahead.ts
 * keeps what the reader has not read yet, in memory and then in a temp file). `owner`: limiter.ts.
 * `signal`: the caller gave up (the pane cancelled or went away, a scheduled run was stopped) — a
 * wait for a slot ends at once without taking one, and a slot granted just as it gave up goes back
 * unused instead of asking Tableau for an export nobody reads.
 */
export async function streamWithSlot(
  limiter: ExportSlots,
  owner: string,
  open: () => Promise<Readable>,
  signal?: AbortSignal,
  o: Pick<ReadAheadOptions, 'tmpDir' | 'memoryBytes'> = {},
): Promise<ReadAheadStream> {
  const release = await limiter.acquire(signal, owner);
  try {
    signal?.throwIfAborted();
    const source = await open();
    return readAhead(source, { ...o, edit: bomEdit(), onSourceDone: release });
  } catch (e) {
    release();
    throw e;
  }
}

export async function openExport(t: AuthedTransport, url: string, query: string): Promise<Readable> {
  const res = await t.send({ method: 'GET', url, query, stream: true, headers: { Accept: 'text/csv, */*' } });
  return res.stream!;
}

/** Query View Image's own options, besides the filters, parameters and maxAge of the data export. */
export interface ViewImageOptions extends ViewDataOptions {
  /** `resolution=high`: "maximum pixel density" (rest_api_ref_workbooks_and_views.htm#query_view_image). */
  highResolution?: boolean;
  /** SVG from REST 3.29 (the client checks the version first); PNG, Tableau's default, otherwise. */
  format?: 'PNG' | 'SVG';
}

/** `resolution=high` plus the data export's query (vf_, vf_Parameters., maxAge) */
export function viewImageQuery(o: ViewImageOptions): string {
  const own = [o.highResolution ? 'resolution=high' : '', o.format === 'SVG' ? 'format=SVG' : ''];
  return [...own, viewDataQuery(o)].filter(Boolean).join('&');
}

/**
 * The whole image body, refused past `maxBytes` (Tableau sends no Content-Length promise for a render):
 * the stream is destroyed at the first byte over, so an unexpectedly huge answer is never buffered.
 */
export async function readImage(t: AuthedTransport, url: string, query: string, maxBytes: number): Promise<ViewImage> {
  const res = await t.send({ method: 'GET', url, query, stream: true, headers: { Accept: 'image/png, image/svg+xml' } });
  const contentType = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.stream! as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.stream!.destroy();
      throw new TableauError({
        code: 'invalid-response',
        message: `Tableau sent a picture larger than ${Math.round(maxBytes / 1024 / 1024)} MB, more than a workbook picture may be.`,
        hint: 'Insert the table without its picture, or ask the author of the view for a smaller one.',
      });
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), contentType };
}

export interface ViewImage {
  bytes: Buffer;
  /** As Tableau labelled it: image/png (or image/svg+xml when SVG was asked of a 2026.2 server). */
  contentType: string;
}
