import { Field, Select } from '@fluentui/react-components';

import { PUBLISH_FIELD_LABELS, type PublishColumns, type PublishField, type PublishKind } from '../../../common/publish.js';
import { usePaneStyles } from '../shared/styles.js';
import { fieldsOf } from './publishRows.js';

interface ColumnMappingProps {
  kind: PublishKind;
  headers: string[];
  columns: PublishColumns;
  onChange(field: PublishField, header: string | undefined): void;
  /** While a dry run or an apply runs: what it reads must not change under it. */
  disabled?: boolean;
}

/** Which column holds each field of the kind: guessed from the headers (common/publish.ts guessColumns), changed here. */
export function ColumnMapping({ kind, headers, columns, onChange, disabled }: ColumnMappingProps) {
  const styles = usePaneStyles();
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>Which column is which</legend>
      {fieldsOf(kind).map(({ field, required }) => {
        const chosen = columns[field] !== undefined && headers.includes(columns[field]) ? columns[field] : '';
        return (
          <Field
            key={field}
            label={required ? PUBLISH_FIELD_LABELS[field] : `${PUBLISH_FIELD_LABELS[field]} (optional)`}
            required={required}
            validationState={required && !chosen ? 'error' : 'none'}
            validationMessage={required && !chosen ? 'Pick the column that holds it.' : undefined}
          >
            <Select value={chosen} disabled={disabled} onChange={(_, d) => onChange(field, d.value || undefined)}>
              <option value="">{required ? 'Choose a column…' : '(none)'}</option>
              {headers.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </Select>
          </Field>
        );
      })}
    </fieldset>
  );
}
