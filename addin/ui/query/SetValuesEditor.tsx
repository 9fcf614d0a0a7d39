import {
  Button,
  Checkbox,
  Combobox,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Textarea,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';

import type { FieldInfo } from '../../../common/api.js';
import type { FieldValues } from '../../../common/field-values.js';
import { describeValueProblem } from '../../../common/value-match.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { useAsync } from '../shared/useAsync.js';
import { useDebounced } from '../shared/useDebounced.js';
import type { LoadFieldValues } from './fieldValuesLoader.js';
import { type FilterDraft, splitValues } from './queryDraft.js';
import { useValueChecks } from './useValueChecks.js';

type SetDraft = Extract<FilterDraft, { type: 'SET' }>;

const number = (n: number) => n.toLocaleString('en-US');

/** "4 values", "First 200 of 4,812 values: type to search", "More than 100,000 values". */
function listSummary(list: FieldValues, searchable: boolean): string {
  const more = searchable ? ': type to search' : '';
  if (list.totalIsLowerBound) return `First ${number(list.values.length)} of more than ${number(list.total)} values${more}`;
  if (list.total > list.values.length) return `First ${number(list.values.length)} of ${number(list.total)} values${more}`;
  return `${number(list.total)} value${list.total === 1 ? '' : 's'}`;
}

/**
 * A SET filter's values: picked from the field's real values (a searchable, keyboard-operable
 * combobox with each value's row count) or typed by hand; a typed value that matches nothing is
 * warned about with the value that was probably meant, before anything is pulled.
 */
export function SetValuesEditor(props: {
  filter: SetDraft;
  field?: FieldInfo;
  loadValues: LoadFieldValues;
  onChange(f: FilterDraft): void;
  onProblems(problems: string[]): void;
}) {
  const { filter, field, loadValues, onChange, onProblems } = props;
  const name = filter.fieldCaption;
  const typed = useMemo(() => splitValues(filter.values), [filter.values]);
  const first = useAsync(() => loadValues(name), [loadValues, name]);
  const list = first.data;
  const complete = list ? !list.totalIsLowerBound && list.total <= list.values.length : false;
  // Tableau searches text fields (a MATCH filter); a partial list of another type is listed in order.
  const searchable = !complete && field?.dataType === 'STRING';

  const [query, setQuery] = useState('');
  const settled = useDebounced(query.trim(), 400);
  const searched = useAsync(searchable && settled ? () => loadValues(name, settled) : null, [searchable, settled, loadValues, name]);
  const shown = useMemo(() => {
    const source = searchable && settled ? searched.data : list;
    const q = query.trim().toLowerCase();
    return (source?.values ?? []).filter((v) => v.value !== null && (!q || v.value.toLowerCase().includes(q)));
  }, [searchable, settled, searched.data, list, query]);

  const problems = useValueChecks(name, typed, list, loadValues);
  const messages = problems.map((p) => describeValueProblem(name, p));
  // Only what is certain holds up a preview: a value that could not be checked is said, not blocked.
  const certain = problems.flatMap((p, i) => (p.kind === 'unknown' ? [] : [messages[i]]));
  const said = certain.join('\n');
  useEffect(() => onProblems(said ? said.split('\n') : []), [said, onProblems]);

  const setValues = (values: string[]) => onChange({ ...filter, values: values.join('\n') });
  const add = (value: string) => {
    if (!typed.includes(value)) setValues([...typed, value]);
    setQuery('');
  };
  const replace = (from: string, to: string) => setValues([...new Set(typed.map((v) => (v === from ? to : v)))]);

  return (
    <>
      <Field
        label={`Pick values of ${name}`}
        size="small"
        hint={first.loading ? 'Reading the values from Tableau…' : list ? listSummary(list, searchable) : undefined}
      >
        <Combobox
          size="small"
          freeform
          placeholder={list ? 'Type to find a value' : undefined}
          value={query}
          selectedOptions={[]}
          onChange={(e) => setQuery(e.target.value)}
          onOptionSelect={(_, d) => d.optionValue !== undefined && add(d.optionValue)}
        >
          {shown.map((v) => (
            <Option key={v.value} value={v.value!} text={v.value!}>
              {v.value}
              {v.count !== undefined ? ` (${number(v.count)} rows)` : ''}
            </Option>
          ))}
          {list && shown.length === 0 && !searched.loading ? (
            <Option disabled value="" text="">
              No value contains “{query.trim()}”
            </Option>
          ) : null}
        </Combobox>
      </Field>
      <ErrorBar error={first.error} onRetry={first.reload} intent="warning" />
      <Field label={`Values of ${name}`} hint="One per line, or separated by commas." size="small">
        <Textarea size="small" value={filter.values} onChange={(_, d) => onChange({ ...filter, values: d.value })} />
      </Field>
      {problems.map((p, i) => (
        <MessageBar key={`${p.value}-${i}`} intent={p.kind === 'unknown' ? 'info' : 'warning'} layout="multiline">
          <MessageBarBody>{messages[i]}</MessageBarBody>
          {'suggestion' in p ? (
            <MessageBarActions>
              <Button size="small" onClick={() => replace(p.value, p.suggestion)}>
                Use “{p.suggestion}”
              </Button>
            </MessageBarActions>
          ) : null}
        </MessageBar>
      ))}
      <Checkbox label="Exclude these values" checked={filter.exclude} onChange={(_, d) => onChange({ ...filter, exclude: !!d.checked })} />
    </>
  );
}
