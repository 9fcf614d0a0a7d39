import type { CellValue, ColumnSpec, StreamMessage } from '../../../common/stream.js';
import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';

/** One column typed from its values (header "C"), with an optional locale. */
export function typeColumn(values: string[], locale?: string): { spec: ColumnSpec; values: CellValue[] } {
  const csv = ['C', ...values.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))].join('\n');
  const t = csvTextToTypedColumns(csv, { locale });
  return { spec: t.columns[0], values: t.values[0] };
}

export async function collect(gen: AsyncIterable<StreamMessage>): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  for await (const m of gen) out.push(m);
  return out;
}

export function rowsOf(messages: StreamMessage[]): CellValue[][] {
  return messages.flatMap((m) => (m.kind === 'rows' ? m.rows : []));
}

export async function* chunks(data: Buffer | string, size: number): AsyncGenerator<Buffer> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
