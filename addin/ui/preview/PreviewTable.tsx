import {
  makeStyles,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';

import type { MetaField } from '../../../common/metadata.js';
import type { CellValue, ColumnSpec, ColumnType } from '../../../common/stream.js';
import { formatCell } from '../../workbook/cell-display.js';
import { meaningLine } from '../shared/fieldMeaning.js';

const useStyles = makeStyles({
  scroller: {
    overflow: 'auto',
    maxHeight: '45vh',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  table: { tableLayout: 'auto', width: 'max-content', minWidth: '100%' },
  head: { position: 'sticky', top: 0, backgroundColor: tokens.colorNeutralBackground2, zIndex: 1 },
  cell: { whiteSpace: 'nowrap', maxWidth: '16em', overflow: 'hidden', textOverflow: 'ellipsis', paddingInline: tokens.spacingHorizontalS },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  type: { display: 'block', fontWeight: tokens.fontWeightRegular, color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase100 },
  // A header whose field has a meaning: dotted underline, the meaning on hover (title).
  described: { textDecorationLine: 'underline', textDecorationStyle: 'dotted', textUnderlineOffset: '2px', cursor: 'help' },
});

const TYPE_LABEL: Record<ColumnType, string> = {
  integer: 'whole number',
  decimal: 'number',
  currency: 'currency',
  percentage: 'percent',
  date: 'date',
  datetime: 'date & time',
  boolean: 'true/false',
  text: 'text',
};

const NUMERIC = new Set<ColumnType>(['integer', 'decimal', 'currency', 'percentage']);

/** Compact preview: header with each column's type, values shown with their Excel number format. */
export function PreviewTable({
  columns,
  rows,
  caption,
  meanings,
}: {
  columns: ColumnSpec[];
  rows: CellValue[][];
  caption: string;
  /** Column name → what the field means (Tableau's Metadata API); shown as the header's tooltip. */
  meanings?: ReadonlyMap<string, MetaField>;
}) {
  const styles = useStyles();
  return (
    // Scrollable region must be focusable so keyboard users can scroll it (axe scrollable-region-focusable).
    <div className={styles.scroller} tabIndex={0} role="region" aria-label={caption}>
      <Table size="extra-small" className={styles.table} noNativeElements={false}>
        <TableHeader className={styles.head}>
          <TableRow>
            {columns.map((c, i) => {
              const meaning = meanings?.get(c.name);
              const line = meaning ? meaningLine(meaning) : '';
              return (
                <TableHeaderCell
                  key={i}
                  className={styles.cell}
                  // The title is also the header's accessible description (its name comes from its text).
                  title={line ? `${c.name}: ${line}` : `${c.name} (${TYPE_LABEL[c.type]})`}
                >
                  <span>
                    <span className={line ? styles.described : undefined}>{c.name}</span>
                    <span className={styles.type}>{TYPE_LABEL[c.type]}</span>
                  </span>
                </TableHeaderCell>
              );
            })}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row, r) => (
            <TableRow key={r}>
              {columns.map((c, i) => (
                <TableCell key={i} className={mergeClasses(styles.cell, NUMERIC.has(c.type) ? styles.number : undefined)}>
                  {formatCell(row[i], c.format)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
