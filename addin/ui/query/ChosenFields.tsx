import { Button, makeStyles, mergeClasses, Select, Text, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useId } from 'react';

import type { FieldInfo } from '../../../common/api.js';
import { usePaneStyles } from '../shared/styles.js';
import { DATE_FUNCTIONS, type FieldChoice, isDateType, MEASURE_FUNCTIONS, setSort, type SortChoice } from './queryDraft.js';

const useStyles = makeStyles({
  item: {
    display: 'grid',
    gridTemplateColumns: '1fr 1fr auto',
    gap: tokens.spacingHorizontalXS,
    alignItems: 'center',
    padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
  },
  name: { gridColumn: '1 / 3' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)' },
});

/** Chosen fields with their aggregation (measures; date parts for dates) and sort direction. */
export function ChosenFields({
  fields,
  byCaption,
  onChange,
}: {
  fields: FieldChoice[];
  byCaption: Map<string, FieldInfo>;
  onChange(f: FieldChoice[]): void;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const base = useId();
  if (fields.length === 0) return <Text className={pane.muted}>No fields chosen yet.</Text>;
  const update = (i: number, patch: Partial<FieldChoice>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <ul className={pane.list} aria-label="Chosen fields">
      {fields.map((choice, i) => {
        const info = byCaption.get(choice.fieldCaption);
        const isMeasure = info?.role === 'MEASURE';
        const options = isMeasure ? MEASURE_FUNCTIONS : info && isDateType(info.dataType) ? DATE_FUNCTIONS : [];
        const aggId = `${base}-agg-${i}`;
        const sortId = `${base}-sort-${i}`;
        return (
          <li key={choice.fieldCaption} className={styles.item}>
            <Text weight="semibold" className={mergeClasses(styles.name, pane.ellipsis)}>
              {choice.fieldCaption}
            </Text>
            <Button
              size="small"
              appearance="subtle"
              icon={<DeleteRegular />}
              aria-label={`Remove ${choice.fieldCaption}`}
              title="Remove"
              onClick={() => onChange(fields.filter((_, j) => j !== i))}
            />
            {options.length ? (
              <div>
                <label htmlFor={aggId} className={styles.hidden}>
                  Aggregation of {choice.fieldCaption}
                </label>
                <Select id={aggId} size="small" value={choice.function} onChange={(_, d) => update(i, { function: d.value })}>
                  {!isMeasure ? <option value="">Exact date</option> : null}
                  {options.map((fn) => (
                    <option key={fn} value={fn}>
                      {fn}
                    </option>
                  ))}
                </Select>
              </div>
            ) : (
              <span />
            )}
            <div>
              <label htmlFor={sortId} className={styles.hidden}>
                Sort by {choice.fieldCaption}
              </label>
              <Select id={sortId} size="small" value={choice.sort} onChange={(_, d) => onChange(setSort(fields, i, d.value as SortChoice))}>
                <option value="">No sort</option>
                <option value="ASC">Ascending</option>
                <option value="DESC">Descending</option>
              </Select>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
