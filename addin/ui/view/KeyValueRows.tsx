import { Button, Input, Label, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useId } from 'react';

import { usePaneStyles } from '../shared/styles.js';
import type { KeyValueRow } from './viewFilters.js';

const useStyles = makeStyles({
  row: { display: 'grid', gridTemplateColumns: '1fr 1fr auto', gap: tokens.spacingHorizontalXS, alignItems: 'end' },
  cell: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  input: { minWidth: 0, width: '100%' },
});

let nextId = 1;
export const newRow = (key = '', value = ''): KeyValueRow => ({ id: nextId++, key, value });

/** One cell of a row: a small label above its input. */
function LabelledInput(props: { id: string; label: string; value: string; placeholder?: string; onChange(value: string): void }) {
  const styles = useStyles();
  return (
    <div className={styles.cell}>
      <Label htmlFor={props.id} size="small">
        {props.label}
      </Label>
      <Input
        id={props.id}
        className={styles.input}
        size="small"
        value={props.value}
        placeholder={props.placeholder}
        onChange={(_, d) => props.onChange(d.value)}
      />
    </div>
  );
}

/** Add/remove name = value rows (view filters, parameters), each input with its own label. */
export function KeyValueRows(props: {
  legend: string;
  keyLabel: string;
  valueLabel: string;
  rows: KeyValueRow[];
  onChange(rows: KeyValueRow[]): void;
  addLabel: string;
  keyPlaceholder?: string;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const base = useId();
  const { rows, onChange } = props;
  const update = (id: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  return (
    <fieldset className={pane.fieldset}>
      <legend className={pane.legend}>{props.legend}</legend>
      {rows.map((row, index) => {
        return (
          <div key={row.id} className={styles.row}>
            <LabelledInput
              id={`${base}-k${row.id}`}
              label={`${props.keyLabel} ${index + 1}`}
              value={row.key}
              placeholder={props.keyPlaceholder}
              onChange={(key) => update(row.id, { key })}
            />
            <LabelledInput
              id={`${base}-v${row.id}`}
              label={`${props.valueLabel} ${index + 1}`}
              value={row.value}
              onChange={(value) => update(row.id, { value })}
            />
            <Button
              size="small"
              appearance="subtle"
              icon={<DeleteRegular />}
              aria-label={`Remove ${props.keyLabel.toLowerCase()} ${index + 1}`}
              title="Remove"
              onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
            />
          </div>
        );
      })}
      <div>
        <Button size="small" icon={<AddRegular />} onClick={() => onChange([...rows, newRow()])}>
          {props.addLabel}
        </Button>
      </div>
    </fieldset>
  );
}
