/**
 * PullRequest → typed result stream messages, through the Tableau client and the server/pull
 * producers. Tableau is only contacted when the generator runs, and every download is a stream.
 */
import type { DatasourceMetadata, PullRequest } from '../../common/api.js';
import { type PullSource, tableauMaxAge, type VdsQuery, type ViewSource } from '../../common/source.js';
import type { StreamMessage, StreamProgress } from '../../common/stream.js';
import { invalidInput } from '../errors.js';
import { type Job, type TableauClient as Tableau, TableauError } from '../tableau/index.js';
import { csvToTyped } from './csv-typed.js';
import { inventoryToTyped } from './inventory-typed.js';
import type { VdsColumn } from './vds-columns.js';
import { NEAR_CAP_BYTES, withVdsLimits } from './vds-limits.js';
import { vdsSseToTyped } from './vds-sse.js';
import { vdsToTyped } from './vds-typed.js';
import { checkViewFilters } from './view-filter-check.js';

const progress = (message: string): StreamProgress => ({ kind: 'progress', stage: 'extract-refresh', message });

/** Display name for `meta.source` and the log. */
export function describeSource(source: PullSource): string {
  if (source.kind === 'view') return source.name ?? source.contentUrl ?? `view ${source.viewId}`;
  if (source.kind === 'datasource') return source.name ?? `data source ${source.datasourceId}`;
  return `${source.resource} of the site`;
}

/** `signal`: the caller gave up; a wait for one of the site's export slots ends at once (tableau/views.ts streamWithSlot). */
export async function* pullMessages(client: Tableau, request: PullRequest, signal?: AbortSignal): AsyncGenerator<StreamMessage> {
  const { source, options = {} } = request;
  if (options.refreshExtractFirst) yield* refreshFirst(client, source);
  const name = describeSource(source);
  if (source.kind === 'view') {
    const csv = source.customViewId
      ? await client.streamCustomViewData(source.customViewId, { filters: source.filters }, signal)
      : await client.streamViewData(
          source.viewId,
          { filters: source.filters, parameters: source.parameters, maxAgeMinutes: tableauMaxAge(source.maxAgeMinutes) },
          signal,
        );
    // Tableau drops a vf_ filter it cannot use without a word: the answer is checked as it streams.
    yield* checkViewFilters(csvToTyped(csv, { locale: source.locale, limit: options.limit, source: name }), source.filters);
  } else if (source.kind === 'datasource') {
    const limit = minDefined(source.rowLimit, options.limit);
    // Column types come from the data source's metadata, so `meta` can go out before any row.
    const columns = vdsColumns(source.query, await client.vdsReadMetadata(source.datasourceId, signal));
    // ARRAYS: positional rows, smaller than OBJECTS (every schema version has it). Tableau cuts rows
    // itself only from 2026.1 (rowLimit, tableau-mcp#215); we ask for one row more than we keep so
    // "truncated" is known rather than guessed. Older servers send everything and we cut.
    const queryOptions: Record<string, unknown> = { returnFormat: 'ARRAYS' };
    // 2026.1+: Server-Sent Events, whose first event counts the rows, so a cut stream is told from a
    // short table (vds-sse.ts); older servers answer one JSON body (the version gate, features.ts).
    const sse = client.supports('vdsServerSentEvents');
    if (sse) queryOptions.returnServerSentEvents = true;
    // A preview over SSE leaves its own limit out of rowLimit, so METADATA counts the whole result
    // ("100 of 48,213 rows"); we still stop reading after the limit, so only the first events cross
    // the network, and it stays one query against the hourly budget. A query with its own row cap
    // keeps rowLimit: the whole result's count would then not be what an insert brings.
    const countsWhole = sse && options.limit !== undefined && source.rowLimit === undefined;
    const tableauLimit = countsWhole ? undefined : limit;
    if (tableauLimit !== undefined && client.supports('vdsRowLimit')) queryOptions.rowLimit = tableauLimit + 1;
    const body = await client.vdsQuery(
      { datasource: { datasourceLuid: source.datasourceId }, query: source.query, options: queryOptions },
      signal,
    );
    const typing = { columns, returnFormat: 'ARRAYS' as const, limit, source: name, countsWhole };
    // The budget after this query and, before 2026.1, the answer's size against the 1 GB cap: warned
    // at the end, before either stops a pull (vds-limits.ts).
    const nearCapBytes = client.supports('vdsUncappedAnswers') ? undefined : NEAR_CAP_BYTES;
    yield* withVdsLimits(body, (b) => (sse ? vdsSseToTyped(b, typing) : vdsToTyped(b, typing)), { budget: body.budget, nearCapBytes });
  } else {
    // `fields` is Tableau's own expression (`_default_,owner.email`): it shapes what Tableau returns,
    // and the columns follow from the items, so it is not also passed as a column list.
    // "Views with usage" is the admin's usage report: Tableau adds usage.totalViewCount only when
    // asked (includeUsageStatistics=true, docs/tableau-rest.md#endpoints-we-browse).
    const usage = source.resource === 'views';
    const items = await client.listAll(source.resource, { filter: source.filter, sort: source.sort, fields: source.fields, usage });
    yield* inventoryToTyped(items, { resource: source.resource, limit: options.limit, source: name });
  }
}

/**
 * The columns a VDS query returns, in query order: the type from read-metadata (an ad-hoc
 * calculation has none: UNKNOWN), the key as VDS names it in OBJECTS rows (fieldAlias, else
 * FUNCTION(caption) for aggregated fields, else the caption).
 */
export function vdsColumns(query: VdsQuery, metadata: Pick<DatasourceMetadata, 'fields'>): VdsColumn[] {
  const types = new Map(metadata.fields.map((f) => [f.fieldCaption, f.dataType]));
  return query.fields.map((f) => {
    const fn = f.function && f.function !== 'NONE' && f.function !== 'UNSPECIFIED' ? f.function : undefined;
    const key = f.fieldAlias ?? (fn && f.calculation === undefined ? `${fn}(${f.fieldCaption})` : f.fieldCaption);
    const dataType = f.calculation !== undefined ? 'UNKNOWN' : (types.get(f.fieldCaption) ?? 'UNKNOWN');
    return { key, caption: key, dataType, ...(fn ? { function: fn } : {}) };
  });
}

function minDefined(a?: number, b?: number): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Which extract to refresh: the data source itself, or the workbook that holds the view. */
async function refreshTarget(client: Tableau, source: PullSource): Promise<{ kind: 'datasource' | 'workbook'; id: string }> {
  if (source.kind === 'datasource') return { kind: 'datasource', id: source.datasourceId };
  if (source.kind === 'view') return { kind: 'workbook', id: await workbookOfView(client, source) };
  throw invalidInput('An extract refresh applies to a view or a data source, not to a site inventory list.');
}

/** REST has no "get view by id" in the client; views are found by content URL (a filter field) or listed. */
async function workbookOfView(client: Tableau, source: ViewSource): Promise<string> {
  const canFilter = source.contentUrl && !/[,&]/.test(source.contentUrl);
  const views = await client.listAll('views', canFilter ? { filter: `contentUrl:eq:${source.contentUrl}` } : {});
  const view =
    views.find((v) => v.id === source.viewId) ??
    (canFilter ? (await client.listAll('views')).find((v) => v.id === source.viewId) : undefined);
  const workbookId = view?.workbook?.id;
  if (!workbookId)
    throw new TableauError({
      code: 'not-found',
      message: 'Tableau could not find that view. It may have been deleted or you may lack access.',
    });
  return workbookId;
}

/**
 * Start the refresh (a bad id fails here, before any byte of the answer is sent), then relay job
 * status as `progress` messages while waiting for it.
 */
async function* refreshFirst(client: Tableau, source: PullSource): AsyncGenerator<StreamMessage> {
  const target = await refreshTarget(client, source);
  const jobId = await client.refreshExtract(target);
  yield progress('Refreshing the extract on Tableau…');
  const updates: StreamProgress[] = [];
  let wake: (() => void) | undefined;
  let lastStatus = '';
  const done = client
    .waitForJob(jobId, {
      onStatus: (job: Job) => {
        const status = `${job.status ?? 'Pending'}${job.progress !== undefined ? ` (${job.progress}%)` : ''}`;
        if (status === lastStatus) return;
        lastStatus = status;
        updates.push(progress(`Extract refresh: ${status}`));
        wake?.();
      },
    })
    .then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  for (;;) {
    const woke = new Promise<void>((resolve) => (wake = resolve));
    const result = await Promise.race([done, woke.then(() => undefined)]);
    yield* updates.splice(0);
    if (result) {
      if (!result.ok) throw result.error;
      yield progress('Extract refreshed. Pulling the data…');
      return;
    }
  }
}
