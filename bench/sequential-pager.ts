/**
 * The baseline for list_10k_vs_sequential: how the official Python client (TSC) pages — strictly one
 * page after another with its default pageSize 100 (TSC pager.py, request_options.py PageSize=100) —
 * written with plain axios against the same REST endpoints our client uses.
 */
import axios, { type AxiosInstance } from 'axios';

export interface RestSession {
  http: AxiosInstance;
  /** `<server>/api/<version>/sites/<siteId>` */
  siteUrl: string;
}

/** PAT sign-in (REST auth/signin, JSON). */
export async function signInPat(
  serverUrl: string,
  apiVersion: string,
  site: string,
  patName: string,
  patSecret: string,
): Promise<RestSession> {
  const http = axios.create({ headers: { Accept: 'application/json' }, timeout: 60_000 });
  const res = await http.post(`${serverUrl}/api/${apiVersion}/auth/signin`, {
    credentials: { personalAccessTokenName: patName, personalAccessTokenSecret: patSecret, site: { contentUrl: site } },
  });
  const creds = (res.data as { credentials: { token: string; site: { id: string } } }).credentials;
  http.defaults.headers.common['X-Tableau-Auth'] = creds.token;
  return { http, siteUrl: `${serverUrl}/api/${apiVersion}/sites/${creds.site.id}` };
}

export interface SequentialResult {
  ids: string[];
  requests: number;
}

/** Every workbook id, page by page; pagination values are strings in JSON (Tableau REST). */
export async function listSequential(s: RestSession, pageSize = 100): Promise<SequentialResult> {
  const ids: string[] = [];
  let requests = 0;
  for (let page = 1; ; page++) {
    const res = await s.http.get(`${s.siteUrl}/workbooks`, { params: { pageSize, pageNumber: page } });
    requests++;
    const body = res.data as { pagination?: { totalAvailable?: string }; workbooks?: { workbook?: Array<{ id: string }> } };
    // An empty list comes back as `{}` (no `workbook` key).
    const items = body.workbooks?.workbook ?? [];
    for (const w of items) ids.push(w.id);
    const total = Number(body.pagination?.totalAvailable ?? ids.length);
    if (items.length === 0 || page * pageSize >= total) return { ids, requests };
  }
}
