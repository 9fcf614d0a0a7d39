import { Button, Checkbox, Field, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';

import type { FieldInfo } from '../../../common/api.js';
import { usePaneStyles } from '../shared/styles.js';
import type { LoadFieldValues } from './fieldValuesLoader.js';
import { DATE_RANGE_TYPES, type FilterDraft, isDateType, PERIOD_TYPES } from './queryDraft.js';
import { SetValuesEditor } from './SetValuesEditor.js';

const useStyles = makeStyles({
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalXS },
  pair: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalXS },
});

export const FILTER_LABEL: Record<FilterDraft['type'], string> = {
  SET: 'Is one of',
  MATCH: 'Contains',
  RANGE: 'Range',
  RELATIVE_DATE: 'Relative date',
  TOP: 'Top N',
};

/** One filter's inputs; the kind decides which (VDS filter types: SET, MATCH, QUANTITATIVE_*, DATE, TOP). */
export function FilterEditor(props: {
  filter: FilterDraft;
  field?: FieldInfo;
  measures: FieldInfo[];
  /** The field's real values for a SET filter's picker and checks. */
  loadValues: LoadFieldValues;
  onChange(f: FilterDraft): void;
  /** What the value checks found (a SET filter's values that match nothing), [] when fine. */
  onProblems(problems: string[]): void;
  onRemove(): void;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const { filter, field, onChange } = props;
  const name = filter.fieldCaption;
  const patch = (p: Partial<FilterDraft>) => onChange({ ...filter, ...p } as FilterDraft);
  return (
    <section className={pane.card} aria-label={`Filter on ${name}`}>
      <div className={styles.head}>
        <Text weight="semibold" className={pane.ellipsis}>
          {name}: {FILTER_LABEL[filter.type]}
        </Text>
        <Button
          size="small"
          appearance="subtle"
          icon={<DeleteRegular />}
          aria-label={`Remove filter on ${name}`}
          title="Remove"
          onClick={props.onRemove}
        />
      </div>
      {filter.type === 'SET' ? (
        <SetValuesEditor filter={filter} field={field} loadValues={props.loadValues} onChange={onChange} onProblems={props.onProblems} />
      ) : null}
      {filter.type === 'MATCH' ? (
        <>
          <Field label={`${name} contains`} size="small">
            <Input size="small" value={filter.contains} onChange={(_, d) => patch({ contains: d.value })} />
          </Field>
          <Checkbox label="Exclude matches" checked={filter.exclude} onChange={(_, d) => patch({ exclude: !!d.checked })} />
        </>
      ) : null}
      {filter.type === 'RANGE' ? <RangeInputs filter={filter} isDate={!!field && isDateType(field.dataType)} onChange={onChange} /> : null}
      {filter.type === 'RELATIVE_DATE' ? (
        <div className={styles.pair}>
          <Field label="Range" size="small">
            <Select size="small" value={filter.dateRangeType} onChange={(_, d) => patch({ dateRangeType: d.value })}>
              {DATE_RANGE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {{ CURRENT: 'This', LAST: 'Previous', LASTN: 'Last N', NEXT: 'Next', NEXTN: 'Next N', TODATE: 'To date' }[t]}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Period" size="small">
            <Select size="small" value={filter.periodType} onChange={(_, d) => patch({ periodType: d.value })}>
              {PERIOD_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t.toLowerCase()}
                </option>
              ))}
            </Select>
          </Field>
          {filter.dateRangeType === 'LASTN' || filter.dateRangeType === 'NEXTN' ? (
            <Field label="N" size="small">
              <Input size="small" type="number" min={1} value={filter.rangeN} onChange={(_, d) => patch({ rangeN: d.value })} />
            </Field>
          ) : null}
        </div>
      ) : null}
      {filter.type === 'TOP' ? (
        <div className={styles.pair}>
          <Field label="Keep" size="small">
            <Select size="small" value={filter.direction} onChange={(_, d) => patch({ direction: d.value as 'TOP' | 'BOTTOM' })}>
              <option value="TOP">Top</option>
              <option value="BOTTOM">Bottom</option>
            </Select>
          </Field>
          <Field label="How many" size="small">
            <Input size="small" type="number" min={1} value={filter.howMany} onChange={(_, d) => patch({ howMany: d.value })} />
          </Field>
          <Field label="By measure" size="small" style={{ gridColumn: '1 / 3' }}>
            <Select size="small" value={filter.measureCaption} onChange={(_, d) => patch({ measureCaption: d.value })}>
              <option value="">Choose a measure</option>
              {props.measures.map((m) => (
                <option key={m.fieldCaption} value={m.fieldCaption}>
                  {m.fieldCaption}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      ) : null}
    </section>
  );
}

function RangeInputs({
  filter,
  isDate,
  onChange,
}: {
  filter: Extract<FilterDraft, { type: 'RANGE' }>;
  isDate: boolean;
  onChange(f: FilterDraft): void;
}) {
  const styles = useStyles();
  const type = isDate ? 'date' : 'text';
  return (
    <div className={styles.pair}>
      <Field label={isDate ? 'From' : 'Minimum'} size="small">
        <Input
          size="small"
          type={type}
          inputMode={isDate ? undefined : 'decimal'}
          value={filter.min}
          onChange={(_, d) => onChange({ ...filter, min: d.value })}
        />
      </Field>
      <Field label={isDate ? 'To' : 'Maximum'} size="small">
        <Input
          size="small"
          type={type}
          inputMode={isDate ? undefined : 'decimal'}
          value={filter.max}
          onChange={(_, d) => onChange({ ...filter, max: d.value })}
        />
      </Field>
    </div>
  );
}
