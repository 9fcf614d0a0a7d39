import { Button, Caption1, Checkbox, Field, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';

import type { InventoryResource, PullSource } from '../../../common/source.js';
import { ProblemsBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import {
  buildExpressions,
  buildInventorySource,
  type Condition,
  emptyChoices,
  INVENTORY_LISTS,
  type InventoryChoices,
  type InventoryList,
  type ListField,
  listOf,
  type Operator,
  operatorLabel,
  operatorsFor,
  withNames,
} from './inventoryLists.js';
import { useRemembered } from './useRemembered.js';

const useStyles = makeStyles({
  pair: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalXS },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalXS },
  code: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

interface InventoryForm {
  resource: InventoryResource;
  /** Choices per list type: switching lists and back keeps each one's filters. */
  choices: Partial<Record<InventoryResource, InventoryChoices>>;
  rawFilter: string;
  rawSort: string;
}

/** Site inventory lists (workbooks, views with usage, users, jobs …) as tables, with Tableau's filter and sort. */
export function InventoryScreen({ siteLabel, onPreview }: { siteLabel: string; onPreview(source: PullSource, title: string): void }) {
  const styles = usePaneStyles();
  const own = useStyles();
  // Remembered beyond this screen: Back from the preview returns to the same list, filter and sort.
  const [form, setForm] = useRemembered<InventoryForm>(`inventory:${siteLabel}`, () => ({
    resource: 'workbooks',
    choices: {},
    rawFilter: '',
    rawSort: '',
  }));
  const [problems, setProblems] = useState<string[]>([]);
  // A new filter row takes focus once it is rendered, so keyboard users land on what they added
  // (-1: "Add filter", after a removal).
  const focusCondition = useRef<number | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const i = focusCondition.current;
    if (i === null) return;
    focusCondition.current = null;
    formRef.current?.querySelector<HTMLElement>(i < 0 ? '[data-add-filter]' : `[data-condition-field="${i}"]`)?.focus();
  });
  const list = listOf(form.resource);
  const choices = form.choices[form.resource] ?? emptyChoices();
  const setChoices = (next: InventoryChoices) => setForm((f) => ({ ...f, choices: { ...f.choices, [f.resource]: next } }));
  const raw = form.rawFilter.trim() !== '' || form.rawSort.trim() !== '';
  const built = buildExpressions(list, choices);

  const preview = () => {
    const { source, errors } = raw
      ? buildInventorySource(form.resource, form.rawFilter, form.rawSort)
      : built.errors.length
        ? { source: null, errors: built.errors }
        : buildInventorySource(form.resource, built.filter, built.sort);
    setProblems(errors);
    if (source) onPreview(withNames(source), `${siteLabel} / ${list.label}`);
  };

  const addCondition = () => {
    const first = list.fields.find((x) => x.filter !== false);
    if (!first) return;
    setChoices({ ...choices, conditions: [...choices.conditions, { field: first.name, op: operatorsFor(first)[0], value: '' }] });
    focusCondition.current = choices.conditions.length;
  };

  return (
    <form
      ref={formRef}
      className={styles.stack}
      aria-label="Site inventory"
      onSubmit={(e) => {
        e.preventDefault();
        preview();
      }}
    >
      <Field label="List">
        <Select
          value={form.resource}
          onChange={(_, d) => (setForm((f) => ({ ...f, resource: d.value as InventoryResource })), setProblems([]))}
        >
          {INVENTORY_LISTS.map((l) => (
            <option key={l.resource} value={l.resource}>
              {l.label}
            </option>
          ))}
        </Select>
      </Field>

      {list.noFilter ? (
        <Text className={styles.muted}>{list.noFilter}</Text>
      ) : (
        <>
          {raw ? (
            <Text role="note" className={styles.muted}>
              The expressions under Advanced replace the filter and sort choices; empty them to use the choices again.
            </Text>
          ) : null}
          <fieldset className={styles.fieldset} disabled={raw}>
            <legend className={styles.legend}>Filters</legend>
            {choices.conditions.length === 0 ? <Text className={styles.muted}>No filter: the whole list.</Text> : null}
            {choices.conditions.map((c, i) => (
              <ConditionRow
                key={i}
                index={i}
                list={list}
                condition={c}
                onChange={(next) => setChoices({ ...choices, conditions: choices.conditions.map((x, j) => (j === i ? next : x)) })}
                onRemove={() => {
                  setChoices({ ...choices, conditions: choices.conditions.filter((_, j) => j !== i) });
                  // The pressed button goes away with its row: focus goes to "Add filter", not the page.
                  focusCondition.current = -1;
                }}
              />
            ))}
            <Button size="small" icon={<AddRegular />} onClick={addCondition} data-add-filter>
              Add filter
            </Button>
          </fieldset>

          <fieldset className={styles.fieldset} disabled={raw}>
            <legend className={styles.legend}>Sort</legend>
            <div className={own.pair}>
              <Field label="Sort by" size="small">
                <Select size="small" value={choices.sortField} onChange={(_, d) => setChoices({ ...choices, sortField: d.value })}>
                  <option value="">Tableau's order</option>
                  {list.fields
                    .filter((x) => x.sort !== false)
                    .map((x) => (
                      <option key={x.name} value={x.name}>
                        {x.label}
                      </option>
                    ))}
                </Select>
              </Field>
              <Field label="Direction" size="small">
                <Select
                  size="small"
                  value={choices.sortDir}
                  disabled={!choices.sortField}
                  onChange={(_, d) => setChoices({ ...choices, sortDir: d.value as 'asc' | 'desc' })}
                >
                  <option value="asc">Ascending</option>
                  <option value="desc">Descending</option>
                </Select>
              </Field>
            </div>
          </fieldset>

          <details open={raw || undefined}>
            <summary>
              <Text size={200}>Advanced: Tableau filter and sort expressions</Text>
            </summary>
            <div className={styles.tight}>
              {!raw && (built.filter || built.sort) ? (
                <Caption1 as="p">
                  Sent to Tableau:{' '}
                  <span className={own.code}>
                    {[built.filter && `filter=${built.filter}`, built.sort && `sort=${built.sort}`].filter(Boolean).join(' ')}
                  </span>
                </Caption1>
              ) : null}
              <Field
                label="Filter expression"
                size="small"
                hint="field:operator:value, comma-separated. When filled, it replaces the choices above."
              >
                <Input size="small" value={form.rawFilter} onChange={(_, d) => setForm((f) => ({ ...f, rawFilter: d.value }))} />
              </Field>
              <Field label="Sort expression" size="small" hint="field:asc or field:desc">
                <Input size="small" value={form.rawSort} onChange={(_, d) => setForm((f) => ({ ...f, rawSort: d.value }))} />
              </Field>
            </div>
          </details>
        </>
      )}
      <ProblemsBar problems={problems} />
      <Button type="submit" appearance="primary">
        Preview list
      </Button>
    </form>
  );
}

function ConditionRow(props: { index: number; list: InventoryList; condition: Condition; onChange(c: Condition): void; onRemove(): void }) {
  const styles = usePaneStyles();
  const own = useStyles();
  const { list, condition, onChange } = props;
  const field = list.fields.find((x) => x.name === condition.field);
  const ops = field ? operatorsFor(field) : [];
  const op: Operator | '' = condition.op && ops.includes(condition.op) ? condition.op : (ops[0] ?? '');
  const n = props.index + 1;
  return (
    <section className={styles.card} aria-label={`Filter ${n}${field ? `: ${field.label}` : ''}`}>
      <div className={own.head}>
        <Field label={`Field of filter ${n}`} size="small" className={styles.grow}>
          <Select
            data-condition-field={props.index}
            size="small"
            value={condition.field}
            onChange={(_, d) => {
              const next = list.fields.find((x) => x.name === d.value);
              // A different field may take other operators and values: start it afresh.
              onChange({ field: d.value, op: next ? operatorsFor(next)[0] : '', value: '' });
            }}
          >
            {list.fields
              .filter((x) => x.filter !== false)
              .map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
          </Select>
        </Field>
        <Button
          size="small"
          appearance="subtle"
          icon={<DeleteRegular />}
          aria-label={`Remove filter ${n}${field ? ` on ${field.label}` : ''}`}
          title="Remove"
          onClick={props.onRemove}
        />
      </div>
      {field ? (
        <div className={own.pair}>
          <Field label={`Condition of filter ${n}`} size="small">
            <Select size="small" value={op} onChange={(_, d) => onChange({ ...condition, op: d.value as Operator })}>
              {ops.map((o) => (
                <option key={o} value={o}>
                  {operatorLabel(field, o)}
                </option>
              ))}
            </Select>
          </Field>
          <ValueInput n={n} field={field} op={op} value={condition.value} onChange={(value) => onChange({ ...condition, op, value })} />
        </div>
      ) : null}
    </section>
  );
}

function ValueInput({
  n,
  field,
  op,
  value,
  onChange,
}: {
  n: number;
  field: ListField;
  op: Operator | '';
  value: string;
  onChange(v: string): void;
}) {
  const label = `Value of filter ${n}`;
  if (field.type === 'boolean')
    return (
      <Field label={label} size="small">
        <Select size="small" value={value} onChange={(_, d) => onChange(d.value)}>
          <option value="">Choose…</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </Select>
      </Field>
    );
  if (field.choices && op === 'in') {
    // "Is one of" Tableau's fixed values: tick them rather than type their exact spelling.
    const picked = new Set(value.split(',').filter(Boolean));
    const toggle = (c: string, on: boolean) => onChange(field.choices!.filter((x) => (x === c ? on : picked.has(x))).join(','));
    return (
      <div role="group" aria-label={label} style={{ gridColumn: '1 / 3' }}>
        {field.choices.map((c) => (
          <Checkbox key={c} size="medium" label={c} checked={picked.has(c)} onChange={(_, d) => toggle(c, !!d.checked)} />
        ))}
      </div>
    );
  }
  if (field.choices)
    return (
      <Field label={label} size="small">
        <Select size="small" value={value} onChange={(_, d) => onChange(d.value)}>
          <option value="">Choose…</option>
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </Field>
    );
  if (field.type === 'date')
    return (
      <Field label={label} size="small" hint="UTC">
        <Input size="small" type="date" value={value} onChange={(_, d) => onChange(d.value)} />
      </Field>
    );
  if (field.type === 'number')
    return (
      <Field label={label} size="small">
        <Input size="small" type="number" value={value} onChange={(_, d) => onChange(d.value)} />
      </Field>
    );
  const hint = op === 'in' ? 'Separated by commas' : op === 'eq' ? '* matches any text' : undefined;
  return (
    <Field label={label} size="small" hint={hint}>
      <Input size="small" value={value} onChange={(_, d) => onChange(d.value)} />
    </Field>
  );
}
