/**
 * A VDS-like query-datasource body of `rows` × 10 columns, generated in chunks (never one buffer),
 * for memory and speed measurements of vdsToTyped.
 */
import type { VdsColumn } from '../../../server/pull/vds-columns.js';

export const BENCH_VDS_COLUMNS: VdsColumn[] = [
  { key: 'Order ID', caption: 'Order ID', dataType: 'STRING' },
  { key: 'Order Date', caption: 'Order Date', dataType: 'DATE' },
  { key: 'Region', caption: 'Region', dataType: 'STRING' },
  { key: 'Category', caption: 'Category', dataType: 'STRING' },
  { key: 'Customer Name', caption: 'Customer Name', dataType: 'STRING' },
  { key: 'SUM(Sales)', caption: 'Sales', dataType: 'REAL', function: 'SUM' },
  { key: 'SUM(Quantity)', caption: 'Quantity', dataType: 'INTEGER', function: 'SUM' },
  { key: 'AVG(Discount)', caption: 'Discount', dataType: 'REAL', function: 'AVG' },
  { key: 'SUM(Profit)', caption: 'Profit', dataType: 'REAL', function: 'SUM' },
  { key: 'Postal Code', caption: 'Postal Code', dataType: 'STRING' },
];

const REGIONS = ['Central', 'East', 'South', 'West'];
const NAMES = ['Aaron Bergman', 'Claire Gute', 'Darrin Van Huff', 'Sean "Sly" O\'Donnell', 'Zoë Ärger'];

function row(i: number, objects: boolean): string {
  const r = (i * 2654435761) % 4294967296;
  const values = [
    `CA-${2015 + (r % 10)}-${i}`,
    `${2015 + (r % 10)}-${String((r % 12) + 1).padStart(2, '0')}-${String((r % 28) + 1).padStart(2, '0')}`,
    REGIONS[r % 4],
    r % 3 === 0 ? 'Technology' : 'Office Supplies',
    NAMES[r % 5],
    (r % 1_000_000) / 100,
    r % 500,
    (r % 80) / 100,
    ((r % 200_000) - 100_000) / 100,
    String(r % 100_000).padStart(5, '0'),
  ];
  if (!objects) return JSON.stringify(values);
  const o: Record<string, unknown> = {};
  BENCH_VDS_COLUMNS.forEach((c, j) => (o[c.key] = values[j]));
  return JSON.stringify(o);
}

/** The body in ~64 KB chunks, like an HTTP response. */
export async function* vdsBody(rows: number, objects: boolean): AsyncGenerator<Buffer> {
  let parts: string[] = ['{"data":['];
  let size = 9;
  for (let i = 0; i < rows; i++) {
    const text = (i ? ',' : '') + row(i, objects);
    parts.push(text);
    size += text.length;
    if (size >= 65536) {
      yield Buffer.from(parts.join(''));
      parts = [];
      size = 0;
    }
  }
  parts.push(']}');
  yield Buffer.from(parts.join(''));
}
