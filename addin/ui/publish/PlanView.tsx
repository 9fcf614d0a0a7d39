import { Badge, type BadgeProps, Caption1, Text } from '@fluentui/react-components';

import type { PlanAction, PlannedRow, RowOutcome, RowResult } from '../../../common/publish.js';
import { usePaneStyles } from '../shared/styles.js';
import { resultText } from './publishRows.js';

/** A long table's rows are summed up by the counts; the list shows this many. */
const ROWS_SHOWN = 200;

const ACTION_COLOR: Record<PlanAction, BadgeProps['color']> = {
  create: 'success',
  update: 'brand',
  unchanged: 'subtle',
  remove: 'severe',
  error: 'danger',
};
const OUTCOME_COLOR: Record<RowOutcome, BadgeProps['color']> = {
  done: 'success',
  unchanged: 'subtle',
  skipped: 'warning',
  failed: 'danger',
};

interface RowLine {
  index: number;
  badge: string;
  color: BadgeProps['color'];
  text: string;
}

function RowList({ label, lines, firstRow }: { label: string; lines: RowLine[]; firstRow: number }) {
  const styles = usePaneStyles();
  const shown = lines.slice(0, ROWS_SHOWN);
  return (
    <>
      <ul className={styles.list} aria-label={label}>
        {shown.map((l) => (
          <li key={l.index} className={styles.card}>
            <div className={styles.row}>
              <Text weight="semibold">{`Row ${firstRow + l.index}`}</Text>
              <Badge appearance="tint" color={l.color} shape="rounded">
                {l.badge}
              </Badge>
            </div>
            <Text size={200}>{l.text}</Text>
          </li>
        ))}
      </ul>
      {lines.length > shown.length ? <Caption1>{`…and ${lines.length - shown.length} more rows (counted above).`}</Caption1> : null}
    </>
  );
}

/** What the dry run plans, row by row; rows are numbered as on the sheet (`firstRow`: the first data row's). */
export function PlanRows({ rows, firstRow }: { rows: PlannedRow[]; firstRow: number }) {
  return (
    <RowList
      firstRow={firstRow}
      label="Planned changes by row"
      lines={rows.map((r) => ({ index: r.index, badge: r.action, color: ACTION_COLOR[r.action], text: r.message }))}
    />
  );
}

/** What became of each row: the words written into the result column. */
export function ResultRows({ rows, firstRow }: { rows: RowResult[]; firstRow: number }) {
  return (
    <RowList
      firstRow={firstRow}
      label="Results by row"
      lines={rows.map((r) => ({
        index: r.index,
        badge: r.outcome,
        color: OUTCOME_COLOR[r.outcome],
        text: (r.outcome === 'done' || r.outcome === 'unchanged') && r.message ? r.message : resultText(r),
      }))}
    />
  );
}
