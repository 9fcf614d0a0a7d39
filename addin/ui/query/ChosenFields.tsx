import { Button, makeStyles, mergeClasses, Select, Text, tokens } from '@fluentui/react-components';
import { ArrowDownRegular, ArrowUpRegular, DeleteRegular } from '@fluentui/react-icons';
import { useEffect, useId, useRef } from 'react';

import type { FieldInfo } from '../../../common/api.js';
import { usePaneStyles } from '../shared/styles.js';
import { DATE_FUNCTIONS, type FieldChoice, isDateType, MEASURE_FUNCTIONS, moveField, setSort, type SortChoice } from './queryDraft.js';

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
  actions: { display: 'flex', justifyContent: 'flex-end' },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalXS },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)' },
});

/**
 * Chosen fields with their aggregation (measures; date parts for dates) and sort direction, in
 * column order (Move up / Move down). Focus never drops to the page: after a move it stays on the
 * moved field's button, after a removal it goes to the next field (or to "Remove all"'s place, the
 * heading). `onAnnounce` tells screen-reader users what happened.
 */
export function ChosenFields({
  fields,
  byCaption,
  onChange,
  onAnnounce,
}: {
  fields: FieldChoice[];
  byCaption: Map<string, FieldInfo>;
  onChange(f: FieldChoice[]): void;
  onAnnounce(message: string): void;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const base = useId();
  const listRef = useRef<HTMLDivElement>(null);
  // What to focus after the next render (the parent re-renders us with the new list): a button by
  // its data-focus key.
  const focusAfter = useRef<string | null>(null);
  const setFocusKey = (key: string) => (focusAfter.current = key);
  useEffect(() => {
    const key = focusAfter.current;
    if (!key) return;
    focusAfter.current = null;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`);
    (el ?? listRef.current?.querySelector<HTMLElement>('[data-focus="heading"]'))?.focus();
  });
  const update = (i: number, patch: Partial<FieldChoice>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const remove = (i: number) => {
    const next = fields.filter((_, j) => j !== i);
    onChange(next);
    onAnnounce(`Removed ${fields[i].fieldCaption}. ${next.length} ${next.length === 1 ? 'field' : 'fields'} chosen.`);
    const neighbour = next[i] ?? next[i - 1];
    setFocusKey(neighbour ? `remove:${neighbour.fieldCaption}` : 'heading');
  };
  const move = (i: number, by: -1 | 1) => {
    onChange(moveField(fields, i, by));
    const caption = fields[i].fieldCaption;
    onAnnounce(`${caption} moved to position ${i + by + 1} of ${fields.length}.`);
    // At the top or bottom the pressed button disables: keep focus on its twin instead.
    const edge = (by === -1 && i + by === 0) || (by === 1 && i + by === fields.length - 1);
    setFocusKey(`${edge ? (by === -1 ? 'down' : 'up') : by === -1 ? 'up' : 'down'}:${caption}`);
  };
  const removeAll = () => {
    const n = fields.length;
    onChange([]);
    onAnnounce(`Removed all ${n} ${n === 1 ? 'field' : 'fields'}.`);
    setFocusKey('heading');
  };
  return (
    <div ref={listRef} className={pane.tight}>
      <div className={styles.head}>
        <Text weight="semibold" as="h3" tabIndex={-1} data-focus="heading" style={{ margin: 0, outlineStyle: 'none' }}>
          Chosen fields{fields.length ? ` (${fields.length})` : ''}
        </Text>
        {fields.length ? (
          <Button size="small" appearance="subtle" icon={<DeleteRegular />} onClick={removeAll}>
            Remove all
          </Button>
        ) : null}
      </div>
      {fields.length === 0 ? (
        <Text className={pane.muted}>No fields chosen yet.</Text>
      ) : (
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
                <div className={styles.actions}>
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<ArrowUpRegular />}
                    aria-label={`Move ${choice.fieldCaption} up`}
                    title="Move up"
                    disabled={i === 0}
                    data-focus={`up:${choice.fieldCaption}`}
                    onClick={() => move(i, -1)}
                  />
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<ArrowDownRegular />}
                    aria-label={`Move ${choice.fieldCaption} down`}
                    title="Move down"
                    disabled={i === fields.length - 1}
                    data-focus={`down:${choice.fieldCaption}`}
                    onClick={() => move(i, 1)}
                  />
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<DeleteRegular />}
                    aria-label={`Remove ${choice.fieldCaption}`}
                    title="Remove"
                    data-focus={`remove:${choice.fieldCaption}`}
                    onClick={() => remove(i)}
                  />
                </div>
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
                  <Select
                    id={sortId}
                    size="small"
                    value={choice.sort}
                    onChange={(_, d) => onChange(setSort(fields, i, d.value as SortChoice))}
                  >
                    <option value="">No sort</option>
                    <option value="ASC">Ascending</option>
                    <option value="DESC">Descending</option>
                  </Select>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
