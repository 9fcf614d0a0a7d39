/**
 * Where a table's data came from, in words: for the pane's table details and for an optional
 * provenance sheet next to the data ("Label | Value" rows). Never shows a secret: a definition
 * holds none.
 */
import { displayName, type RefreshDefinition } from './schema.js';

interface ProvenanceOptions {
  /** IANA zone for times; default: the runtime's local zone. */
  timeZone?: string;
  locale?: string;
}

type ProvenanceRow = [label: string, value: string];

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function formatTime(iso: string, o: ProvenanceOptions): string {
  const d = new Date(iso);
  const text = new Intl.DateTimeFormat(o.locale ?? 'en-GB', {
    timeZone: o.timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
  return text;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const pairs = (map: Record<string, string> | undefined) =>
  Object.entries(map ?? {})
    .map(([k, v]) => `${k} = ${v}`)
    .join('; ');

/** "SUM(Sales)", "Region", "Profit Ratio (calculation)". */
function fieldLabel(f: { fieldCaption: string; function?: string; calculation?: string; fieldAlias?: string }): string {
  const base = f.function ? `${f.function}(${f.fieldCaption})` : f.calculation ? `${f.fieldCaption} (calculation)` : f.fieldCaption;
  return f.fieldAlias ? `${base} as ${f.fieldAlias}` : base;
}

/** One VDS filter in words, as far as its common shapes allow ("Region in West, East"). */
function filterLabel(filter: Record<string, unknown>): string {
  const field = (filter.field as { fieldCaption?: string } | undefined)?.fieldCaption ?? 'a field';
  const type = String(filter.filterType ?? '');
  if (Array.isArray(filter.values)) {
    const values = filter.values.slice(0, 5).map(String).join(', ') + (filter.values.length > 5 ? ', …' : '');
    return `${field} ${filter.exclude ? 'not in' : 'in'} ${values}`;
  }
  if (type === 'QUANTITATIVE_NUMERICAL' || type === 'QUANTITATIVE_DATE') {
    const min = filter.min ?? filter.minDate;
    const max = filter.max ?? filter.maxDate;
    if (min !== undefined && max !== undefined) return `${field} between ${min} and ${max}`;
    if (min !== undefined) return `${field} ≥ ${min}`;
    if (max !== undefined) return `${field} ≤ ${max}`;
  }
  if (type === 'DATE' && filter.periodType) {
    return `${field}: ${String(filter.dateRangeType ?? '')
      .toLowerCase()
      .replace(/_/g, ' ')} ${String(filter.periodType).toLowerCase()}`.trim();
  }
  if (type === 'TOP' && filter.howMany !== undefined) return `${field}: top ${filter.howMany}`;
  return type ? `${field} (${type.toLowerCase().replace(/_/g, ' ')} filter)` : field;
}

function sourceRows(def: RefreshDefinition): ProvenanceRow[] {
  const s = def.source;
  switch (s.kind) {
    case 'view': {
      const rows: ProvenanceRow[] = [
        ['View', s.name ? `${s.name}${s.contentUrl ? ` (${s.contentUrl})` : ''}` : (s.contentUrl ?? s.viewId)],
      ];
      if (s.customViewId) rows.push(['Custom view', s.customViewId]);
      if (s.filters && Object.keys(s.filters).length) rows.push(['Filters', pairs(s.filters)]);
      if (s.parameters && Object.keys(s.parameters).length) rows.push(['Parameters', pairs(s.parameters)]);
      // 0 = as fresh as Tableau allows: its shortest maxAge is one minute (common/source.ts).
      if (s.maxAgeMinutes !== undefined) rows.push(['Cached data', `at most ${plural(Math.max(1, s.maxAgeMinutes), 'minute')} old`]);
      return rows;
    }
    case 'datasource': {
      const q = s.query;
      const sorted = q.fields
        .filter((f) => f.sortDirection)
        .sort((a, b) => (a.sortPriority ?? 0) - (b.sortPriority ?? 0))
        .map((f) => `${fieldLabel(f)} ${f.sortDirection === 'DESC' ? 'descending' : 'ascending'}`);
      const rows: ProvenanceRow[] = [
        ['Data source', s.name ?? s.datasourceId],
        ['Query', `${plural(q.fields.length, 'field')}: ${q.fields.map(fieldLabel).join(', ')}`],
      ];
      if (q.filters?.length) rows.push(['Query filters', q.filters.map(filterLabel).join('; ')]);
      if (q.parameters?.length) rows.push(['Parameters', q.parameters.map((p) => `${p.parameterCaption} = ${String(p.value)}`).join('; ')]);
      if (sorted.length) rows.push(['Sorted by', sorted.join(', ')]);
      if (s.rowLimit !== undefined) rows.push(['Row limit', s.rowLimit.toLocaleString('en-US')]);
      return rows;
    }
    case 'inventory': {
      const rows: ProvenanceRow[] = [['Site inventory', s.resource]];
      if (s.filter) rows.push(['Filter', s.filter]);
      if (s.sort) rows.push(['Sort', s.sort]);
      if (s.fields) rows.push(['Fields', s.fields]);
      return rows;
    }
  }
}

function resultRows(def: RefreshDefinition, o: ProvenanceOptions): ProvenanceRow[] {
  const r = def.lastResult;
  if (!r) return [['Last refresh', 'not refreshed yet']];
  const when = formatTime(r.at, o);
  const rows: ProvenanceRow[] = [];
  if (r.status === 'error') {
    rows.push(['Last refresh', `failed ${when}: ${r.error}`]);
    return rows;
  }
  rows.push(['Last refresh', `${when}, ${plural(r.rows, 'row')} in ${formatDuration(r.durationMs)}`]);
  if (r.status === 'snapshot')
    rows.push(['Data', `from a server schedule's snapshot${r.dataAsOf ? `, pulled ${formatTime(r.dataAsOf, o)}` : ''}`]);
  else if (r.dataAsOf && r.dataAsOf !== r.at) rows.push(['Data as of', formatTime(r.dataAsOf, o)]);
  if (r.status === 'truncated' || r.truncated)
    rows.push(['Incomplete', `only the first ${plural(r.rows, 'row')}: the source has more. Add a filter or raise the row limit.`]);
  return rows;
}

function optionRows(def: RefreshDefinition): ProvenanceRow[] {
  const o = def.options;
  const rows: ProvenanceRow[] = [
    [
      'Refresh mode',
      o.mode === 'append' ? `append new rows${o.timestampColumn ? ` (stamped in column ${o.timestampColumn})` : ''}` : 'replace all rows',
    ],
  ];
  const when: string[] = [];
  if (o.refreshOnOpen) when.push('when the workbook opens');
  if (o.everyMinutes) when.push(`every ${plural(o.everyMinutes, 'minute')} while it is open`);
  if (o.serverScheduleId) when.push('from the server schedule');
  if (when.length) rows.push(['Refreshes', when.join(', ')]);
  if (o.refreshExtractFirst) rows.push(['Extract', 'refreshed in Tableau before each pull']);
  return rows;
}

/** Label/value rows: site, source (view or data source with filters / query), result, options. */
export function provenanceRows(def: RefreshDefinition, options: ProvenanceOptions = {}): ProvenanceRow[] {
  const site = def.connection.siteContentUrl
    ? `${def.connection.siteContentUrl} on ${def.connection.serverUrl}`
    : `default site on ${def.connection.serverUrl}`;
  return [
    def.kind === 'picture'
      ? ['Picture', `${def.picture?.name ?? ''} (sheet ${def.target.sheet})`]
      : ['Table', `${displayName(def)} (sheet ${def.target.sheet})`],
    ['Tableau site', site],
    ...sourceRows(def),
    ...resultRows(def, options),
    ...optionRows(def),
  ];
}

/** The same as lines: "Tableau site: finance on https://tableau.example.com". */
export function describeProvenance(def: RefreshDefinition, options: ProvenanceOptions = {}): string[] {
  return provenanceRows(def, options).map(([label, value]) => `${label}: ${value}`);
}
