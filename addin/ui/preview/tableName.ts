/**
 * Excel table-name rules (Excel "Rename an Excel table" help; Table.name in excel.d.ts throws
 * InvalidArgument otherwise): start with a letter, underscore or backslash; then letters, digits,
 * periods and underscores; no spaces; at most 255 characters; not a cell reference (A1, R1C1)
 * and not the single letters C, c, R, r.
 */
const CELL_A1 = /^[A-Za-z]{1,3}\d+$/;
const CELL_R1C1 = /^[Rr]\d*[Cc]\d*$/;

export function tableNameProblem(name: string): string | null {
  if (name === '') return 'Give the table a name.';
  if (name.length > 255) return 'Table names can have at most 255 characters.';
  if (/\s/.test(name)) return 'Table names cannot contain spaces; use _ instead.';
  if (!/^[\p{L}_\\]/u.test(name)) return 'Start the name with a letter or an underscore.';
  if (!/^[\p{L}_\\][\p{L}\p{N}_.\\]*$/u.test(name)) return 'Use only letters, digits, periods and underscores.';
  if (/^[CcRr]$/.test(name) || CELL_A1.test(name) || CELL_R1C1.test(name))
    return 'That name looks like a cell reference; add a word, e.g. Data_' + name + '.';
  return null;
}

/** A valid table name from a source title: "Superstore / Sales by Region" → "Sales_by_Region". */
export function suggestTableName(title: string | undefined, taken: Iterable<string> = []): string {
  const last = (title ?? '').split('/').pop() ?? '';
  let base = last
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}_.]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!base) base = 'Tableau_Data';
  if (!/^[\p{L}_]/u.test(base)) base = `T_${base}`;
  if (tableNameProblem(base)) base = `Data_${base}`;
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}
