/**
 * Tableau Cloud's cap on concurrent export calls: at most 20 per site run at once (view data,
 * crosstab, image, PDF, data source download); the 21st is answered 429 with an HTML page
 * (https://kb.tableau.com/articles/issue/concurrency-limits-in-rest-apis-on-tableau-cloud,
 * docs/tableau-rest.md#concurrency-and-rate-limits). The simulator keeps a gauge per site (calls in
 * flight now, the most seen at once, how many were refused) so tests and the team bench can check
 * that clients hold the limit, and enforces it by default: a stand-in kinder than Tableau would
 * hide the 429s a client that overshoots gets in production.
 *
 * A call counts from the moment it arrives until its body is fully sent (or the connection is
 * gone): a streamed CSV holds its slot for the whole transfer, as on Tableau.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import { FAULT_PAGES } from './faults.js';

/** Tableau Cloud's documented per-site limit (kb article above). */
export const TABLEAU_CLOUD_EXPORT_LIMIT = 20;

/**
 * The export endpoints, site id captured: Query View Data and Query Custom View Data (`…/data`),
 * Download View Crosstab Excel, Query View Image and PDF (REST "Workbooks and Views" and "Custom
 * Views" references, help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm).
 * The simulator serves the data ones; the others are listed so a route added later is counted too.
 */
const EXPORT_PATH = /^\/api\/[^/]+\/sites\/([^/]+)\/(?:views|customviews)\/[^/]+\/(?:data|image|pdf|crosstab\/excel)\/?(?:\?|$)/;

/** The site whose export this request is, or undefined when it is no export call. */
export function exportSiteOf(method: string, url: string): string | undefined {
  return method === 'GET' ? EXPORT_PATH.exec(url)?.[1] : undefined;
}

export interface ExportGaugeReading {
  siteId: string;
  /** Export calls at the simulator now: being served, or being answered 429. */
  current: number;
  /**
   * The most at once since the start (or the last reset). Refused calls count while their 429 is
   * sent: a client that overshoots shows as more than the limit here, not as exactly the limit.
   */
  max: number;
  /** Calls answered 429 because `limit` were already being served. */
  rejected: number;
}

interface SiteGauge extends ExportGaugeReading {
  /** Calls being served (the ones the limit counts). */
  serving: number;
}

export class ExportGauge {
  private readonly sites = new Map<string, SiteGauge>();

  /** `limit`: calls per site served at once; null counts without refusing (tests of other limits). */
  constructor(public limit: number | null = TABLEAU_CLOUD_EXPORT_LIMIT) {}

  private site(siteId: string): SiteGauge {
    let s = this.sites.get(siteId);
    if (!s) this.sites.set(siteId, (s = { siteId, current: 0, max: 0, rejected: 0, serving: 0 }));
    return s;
  }

  /** Counts a call until `release` (idempotent); `refused` when the site already serves `limit` calls. */
  enter(siteId: string): { refused: boolean; release: () => void } {
    const s = this.site(siteId);
    const refused = this.limit !== null && s.serving >= this.limit;
    if (refused) s.rejected++;
    else s.serving++;
    s.current++;
    s.max = Math.max(s.max, s.current);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      s.current--;
      if (!refused) s.serving--;
    };
    return { refused, release };
  }

  reading(siteId: string): ExportGaugeReading {
    const { serving: _serving, ...reading } = this.site(siteId);
    return reading;
  }

  readings(): ExportGaugeReading[] {
    return [...this.sites.keys()].map((id) => this.reading(id));
  }

  /** Starts max and rejected afresh (calls in flight stay counted). */
  reset(): void {
    for (const s of this.sites.values()) {
      s.max = s.current;
      s.rejected = 0;
    }
  }
}

/**
 * The onRequest step: an export call takes a slot until its response is done, or gets Tableau
 * Cloud's 429 page. Returns the reply when it answered.
 */
export function gateExport(gauge: ExportGauge, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const siteId = exportSiteOf(request.method, request.url);
  if (!siteId) return undefined;
  const { refused, release } = gauge.enter(siteId);
  // 'finish': the last byte was handed to the socket; 'close': the client went away first.
  reply.raw.once('finish', release);
  reply.raw.once('close', release);
  if (!refused) return undefined;
  const page = FAULT_PAGES.rateLimit;
  return reply.code(page.status).type('text/html; charset=utf-8').send(page.html);
}
