/**
 * The table the add-in sent, read into one value per field per row: every check that concerns the
 * table as a whole (columns, indexes) is made here, before anything is compared with the site.
 */
import {
  missingColumns,
  PUBLISH_FIELD_LABELS,
  PUBLISH_FIELDS,
  type PublishCell,
  type PublishField,
  type PublishTable,
} from '../../common/publish.js';
import { ApiError } from '../errors.js';

/** A row's fields as trimmed text; a field without a column or with an empty cell is ''. */
type RowValues = Record<PublishField, string>;

export interface TableRow {
  index: number;
  values: RowValues;
}

const tableInvalid = (message: string) => new ApiError({ code: 'table-invalid', message });

/** A cell as text: numbers as Excel shows them plainly, booleans as TRUE/FALSE, empty as ''. */
function cellText(cell: PublishCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell).trim();
}

const EMPTY: RowValues = {
  userName: '',
  siteRole: '',
  authSetting: '',
  fullName: '',
  email: '',
  groupName: '',
  minimumSiteRole: '',
  projectName: '',
  parentProject: '',
  description: '',
};

/** The rows by field, or 400 table-invalid naming what is wrong with the table itself. */
export function readTable(table: PublishTable): TableRow[] {
  const { required, optional } = PUBLISH_FIELDS[table.kind];
  const known = new Set<PublishField>([...required, ...optional]);
  const at = new Map<PublishField, number>();
  for (const [field, header] of Object.entries(table.columns) as Array<[PublishField, string]>) {
    if (!known.has(field)) throw tableInvalid(`A table of this kind has no "${PUBLISH_FIELD_LABELS[field]}" field.`);
    const i = table.headers.indexOf(header);
    if (i < 0) throw tableInvalid(`The table has no column "${header}" (picked for "${PUBLISH_FIELD_LABELS[field]}").`);
    at.set(field, i);
  }
  const missing = missingColumns(table.columns, table.headers, table.kind);
  if (missing.length > 0) {
    throw tableInvalid(
      `Pick the column that holds ${missing.map((f) => `"${PUBLISH_FIELD_LABELS[f]}"`).join(' and ')}: a table of this kind needs it.`,
    );
  }
  const seen = new Set<number>();
  return table.rows.map((row) => {
    if (seen.has(row.index)) throw tableInvalid(`Row ${row.index + 1} was sent twice.`);
    seen.add(row.index);
    if (row.cells.length > table.headers.length) throw tableInvalid(`Row ${row.index + 1} has more cells than the table has columns.`);
    const values = { ...EMPTY };
    for (const [field, i] of at) values[field] = cellText(row.cells[i]);
    return { index: row.index, values };
  });
}
