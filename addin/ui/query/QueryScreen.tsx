import { Button, Caption1, Field, Input, makeStyles, MessageBar, MessageBarBody, Select, Text } from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { ConnectionInfo, DatasourceItem, DatasourceMetadata } from '../../../common/api.js';
import type { MetaField } from '../../../common/metadata.js';
import type { PullSource } from '../../../common/source.js';
import { useServices } from '../../app/services.js';
import { useRemembered } from '../inventory/useRemembered.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar, ProblemsBar } from '../shared/ErrorBar.js';
import { meaningsByName } from '../shared/fieldMeaning.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAsync } from '../shared/useAsync.js';
import { useMetadata } from '../shared/useMetadata.js';
import { ChosenFields } from './ChosenFields.js';
import { FieldPicker } from './FieldPicker.js';
import { type LoadFieldValues, memoizedLoader } from './fieldValuesLoader.js';
import { FILTER_LABEL, FilterEditor } from './FilterEditor.js';
import { parameterMembers } from './parameters.js';
import { addFields, buildDatasourceSource, emptyDraft, type FilterType, filterTypesFor, newFilter, type QueryDraft } from './queryDraft.js';

const useStyles = makeStyles({
  // Read by screen readers, not shown (the change itself is visible in the list).
  visuallyHidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  // A prepared query's notes beside the message bar's icon, without the list's default indent.
  notes: { margin: 0, paddingInlineStart: '1em' },
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface QueryScreenProps {
  connection: ConnectionInfo;
  datasource: Pick<DatasourceItem, 'id' | 'name'>;
  /** Absent: no Back button (the screen is part of a screen that has one). */
  onBack?(): void;
  onPreview(source: PullSource, title: string): void;
  /** Prefill (editing a refreshable table's query). */
  initial?: QueryDraft;
  /** Label of the main button (default "Preview data"). */
  submitLabel?: string;
  /** What to know about a prepared query (the rows behind a view: its grain, what was not carried over). */
  notes?: string[];
}

/** Query builder over a published data source's metadata (VizQL Data Service). */
export default function QueryScreen({ connection, datasource, onBack, onPreview, initial, submitLabel, notes }: QueryScreenProps) {
  const styles = usePaneStyles();
  const own = useStyles();
  const { api } = useServices();
  const metadata = useAsync((signal) => api.metadata(connection.id, datasource.id, { signal }), [api, connection.id, datasource.id]);
  // What each field means (Tableau's Metadata API), beside the VDS fields: an extra, never a blocker.
  const meanings = useMetadata(connection, (signal) => api.metadataFields(connection.id, datasource.id, { signal }), [api, datasource.id]);
  const meaningMap = useMemo(() => meaningsByName(meanings.data?.datasource.fields), [meanings.data]);
  const loadValues = useMemo(
    () => memoizedLoader((field, q) => api.fieldValues(connection.id, datasource.id, { field, ...(q ? { q } : {}) })),
    [api, connection.id, datasource.id],
  );
  return (
    <div className={styles.stack}>
      <ScreenHeader title={datasource.name} onBack={onBack} />
      {notes?.length ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <ul aria-label="About this query" className={own.notes}>
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {metadata.loading ? <Busy label="Reading the data source's fields…" /> : null}
      <ErrorBar error={metadata.error} onRetry={metadata.reload} />
      {metadata.data ? (
        <QueryBuilder
          metadata={metadata.data}
          meanings={meaningMap}
          datasource={datasource}
          loadValues={loadValues}
          onPreview={onPreview}
          initial={initial}
          submitLabel={submitLabel}
          // A new query is remembered per data source: the preview replaces this screen, and Back
          // must find the half-built query, not an empty one (#21). An edit starts from its table.
          memoryKey={initial ? null : `query:${connection.id}:${datasource.id}`}
        />
      ) : null}
    </div>
  );
}

function QueryBuilder({
  metadata,
  datasource,
  onPreview,
  initial,
  submitLabel,
  memoryKey,
  loadValues,
  meanings,
}: {
  meanings: ReadonlyMap<string, MetaField>;
  memoryKey: string | null;
  loadValues: LoadFieldValues;
  metadata: DatasourceMetadata;
  datasource: QueryScreenProps['datasource'];
  onPreview: QueryScreenProps['onPreview'];
  initial?: QueryDraft;
  submitLabel?: string;
}) {
  const styles = usePaneStyles();
  const own = useStyles();
  const [draft, setDraft] = useRemembered<QueryDraft>(memoryKey, () => initial ?? emptyDraft());
  const [problems, setProblems] = useState<string[]>([]);
  const [filterField, setFilterField] = useState('');
  const [filterType, setFilterType] = useState<FilterType | ''>('');
  const byCaption = useMemo(() => new Map(metadata.fields.map((f) => [f.fieldCaption, f])), [metadata]);
  const dimensions = metadata.fields.filter((f) => f.role === 'DIMENSION');
  const measures = metadata.fields.filter((f) => f.role === 'MEASURE');
  const chosen = new Set(draft.fields.map((f) => f.fieldCaption));
  const update = (patch: Partial<QueryDraft>) => setDraft((d) => ({ ...d, ...patch }));

  // Polite announcements of what a click did to the chosen fields (adding 40 fields at once is
  // otherwise silent for a screen-reader user: nothing under focus changes).
  const [announcement, setAnnouncement] = useState('');
  const addCaptions = (captions: string[]) => {
    const fields = addFields(draft.fields, captions, byCaption);
    const added = fields.length - draft.fields.length;
    if (added === 0) return;
    update({ fields });
    setAnnouncement(
      added === 1
        ? `Added ${fields[fields.length - 1].fieldCaption}. ${plural(fields.length, 'field')} chosen.`
        : `Added ${added} fields. ${plural(fields.length, 'field')} chosen.`,
    );
  };

  const filterInfo = byCaption.get(filterField);
  const allowedTypes = filterInfo ? filterTypesFor(filterInfo) : [];
  const addFilter = () => {
    const type = filterType && allowedTypes.includes(filterType) ? filterType : allowedTypes[0];
    if (!filterInfo || !type) return;
    update({ filters: [...draft.filters, newFilter(type, filterInfo.fieldCaption, measures[0]?.fieldCaption)] });
    setFilterField('');
    setFilterType('');
    // "Add filter" disables as the field picker empties: focus would fall to the page. It goes to
    // the new filter's first input instead, and the status says what was added.
    focusAfter.current = `filter:${draft.filters.length}`;
    setAnnouncement(`Added a filter on ${filterInfo.fieldCaption}.`);
  };
  const removeFilter = (i: number) => {
    update({ filters: draft.filters.filter((_, j) => j !== i) });
    focusAfter.current = 'filter-field';
    setAnnouncement(`Removed the filter on ${draft.filters[i].fieldCaption}.`);
  };
  const filtersRef = useRef<HTMLFieldSetElement>(null);
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    const target = focusAfter.current;
    if (!target) return;
    focusAfter.current = null;
    const box = filtersRef.current;
    const sections = box ? [...box.querySelectorAll('section')] : [];
    const el =
      target === 'filter-field'
        ? box?.querySelector<HTMLElement>('[data-filter-field]')
        : sections[Number(target.slice('filter:'.length))]?.querySelector<HTMLElement>('textarea, input, select');
    el?.focus();
  });

  // What each SET filter's value checks found, by the filter's key; read only for current filters.
  const [valueProblems, setValueProblems] = useState<Record<string, string[]>>({});
  const reportProblems = useCallback(
    (key: string, list: string[]) => setValueProblems((m) => ((m[key] ?? []).join('\n') === list.join('\n') ? m : { ...m, [key]: list })),
    [],
  );
  const filterKey = (f: { fieldCaption: string }, i: number) => `${f.fieldCaption}-${i}`;
  const valueWarnings = draft.filters.flatMap((f, i) => valueProblems[filterKey(f, i)] ?? []);
  // The first Preview with values that match nothing stops and lists them; a second one goes ahead.
  const [warned, setWarned] = useState<string | null>(null);
  const warnedNow = warned !== null && warned === valueWarnings.join('\n');

  const built = buildDatasourceSource({ id: datasource.id, name: datasource.name }, metadata, draft);
  const preview = () => {
    setProblems(built.errors);
    if (!built.source) return;
    if (valueWarnings.length && !warnedNow) return setWarned(valueWarnings.join('\n'));
    onPreview(built.source, datasource.name);
  };

  return (
    <>
      <Field label="Add a field" hint={`${plural(dimensions.length, 'dimension')}, ${plural(measures.length, 'measure')}`}>
        <Select value="" onChange={(_, d) => addCaptions([d.value])}>
          <option value="">Choose a field…</option>
          <optgroup label="Dimensions">
            {dimensions.map((f) => (
              <option key={f.fieldCaption} value={f.fieldCaption} disabled={chosen.has(f.fieldCaption)}>
                {f.fieldCaption}
              </option>
            ))}
          </optgroup>
          <optgroup label="Measures">
            {measures.map((f) => (
              <option key={f.fieldCaption} value={f.fieldCaption} disabled={chosen.has(f.fieldCaption)}>
                {f.fieldCaption}
              </option>
            ))}
          </optgroup>
        </Select>
      </Field>
      <FieldPicker fields={metadata.fields} chosen={chosen} onAdd={addCaptions} meanings={meanings} />
      <ChosenFields fields={draft.fields} byCaption={byCaption} onChange={(fields) => update({ fields })} onAnnounce={setAnnouncement} />
      <div role="status" aria-live="polite" className={own.visuallyHidden}>
        {announcement}
      </div>

      <fieldset className={styles.fieldset} ref={filtersRef}>
        <legend className={styles.legend}>Filters</legend>
        {draft.filters.map((filter, i) => (
          <FilterEditor
            key={filterKey(filter, i)}
            filter={filter}
            field={byCaption.get(filter.fieldCaption)}
            measures={measures}
            loadValues={loadValues}
            onProblems={(list) => reportProblems(filterKey(filter, i), list)}
            onChange={(f) => update({ filters: draft.filters.map((x, j) => (j === i ? f : x)) })}
            onRemove={() => removeFilter(i)}
          />
        ))}
        <div className={styles.row}>
          <Field label="Filter field" size="small" className={styles.grow}>
            <Select size="small" data-filter-field value={filterField} onChange={(_, d) => (setFilterField(d.value), setFilterType(''))}>
              <option value="">Choose…</option>
              {metadata.fields.map((f) => (
                <option key={f.fieldCaption} value={f.fieldCaption}>
                  {f.fieldCaption}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Kind" size="small" className={styles.grow}>
            <Select
              size="small"
              value={filterType || allowedTypes[0] || ''}
              disabled={!filterInfo}
              onChange={(_, d) => setFilterType(d.value as FilterType)}
            >
              {allowedTypes.map((t) => (
                <option key={t} value={t}>
                  {FILTER_LABEL[t]}
                </option>
              ))}
            </Select>
          </Field>
          <Button size="small" icon={<AddRegular />} disabled={!filterInfo} onClick={addFilter}>
            Add filter
          </Button>
        </div>
      </fieldset>

      {metadata.parameters.length ? (
        <fieldset className={styles.fieldset}>
          <legend className={styles.legend}>Parameters</legend>
          {metadata.parameters.map((p) => (
            <Field key={p.parameterCaption} label={p.parameterCaption} hint={`Current value: ${String(p.value ?? '')}`} size="small">
              {p.members?.length ? (
                <Select
                  size="small"
                  value={draft.parameters[p.parameterCaption] ?? ''}
                  onChange={(_, d) => update({ parameters: { ...draft.parameters, [p.parameterCaption]: d.value } })}
                >
                  <option value="">Keep current value</option>
                  {parameterMembers(p.members).map((m) => (
                    <option key={m.value} value={m.value}>
                      {m.label}
                    </option>
                  ))}
                </Select>
              ) : (
                <Input
                  size="small"
                  value={draft.parameters[p.parameterCaption] ?? ''}
                  onChange={(_, d) => update({ parameters: { ...draft.parameters, [p.parameterCaption]: d.value } })}
                />
              )}
            </Field>
          ))}
        </fieldset>
      ) : null}

      <Field label="Row limit" hint="Empty for all rows.">
        <Input type="number" min={1} value={draft.rowLimit} onChange={(_, d) => update({ rowLimit: d.value })} />
      </Field>
      {draft.rowLimit.trim() && !metadata.capabilities.rowLimit ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            This Tableau version cannot limit rows itself (that needs 2026.1). Tableau will compute the whole result and we cut it to{' '}
            {draft.rowLimit} rows; the table will say it was cut.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <ProblemsBar problems={problems} />
      {warnedNow ? <ProblemsBar title="These filter values match no value in Tableau" problems={valueWarnings} /> : null}
      <Button appearance="primary" onClick={preview}>
        {warnedNow ? `${submitLabel ?? 'Preview data'} anyway` : (submitLabel ?? 'Preview data')}
      </Button>
      {built.source && built.source.kind === 'datasource' ? (
        <details>
          <summary>
            <Text size={200}>Query sent to Tableau (JSON)</Text>
          </summary>
          <Caption1 as="p" style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="query-json">
            {JSON.stringify(built.source.query, null, 2)}
          </Caption1>
        </details>
      ) : null}
    </>
  );
}
