/**
 * Notes on a table's header cells (Excel.NoteCollection, ExcelApi 1.18:
 * https://learn.microsoft.com/en-us/javascript/api/excel/excel.notecollection). Two syncs: the
 * header's address and names, then for every wanted cell its note (or a null object), then one
 * batch that adds the missing notes and rewrites the text of the others. A cell holds one note, so
 * a note already there is updated rather than added again.
 */
import { cellAddress, parseAddress } from '../address.js';

export interface HeaderNote {
  column: string;
  text: string;
}

/** Excel caps a note's text like a cell's (32,767 characters: Excel specifications and limits). */
const MAX_NOTE_CHARS = 32_767;

export async function setHeaderNotesIn(ctx: Excel.RequestContext, table: Excel.Table, notes: readonly HeaderNote[]): Promise<number> {
  const header = table.getHeaderRowRange().load('address,values');
  const ws = table.worksheet;
  await ctx.sync();
  const names = (header.values[0] ?? []).map(String);
  const start = parseAddress(header.address.slice(header.address.lastIndexOf('!') + 1));
  const wanted = notes
    .map((n) => ({ n, index: names.indexOf(n.column) }))
    .filter((x) => x.index >= 0 && x.n.text.trim())
    .map(({ n, index }) => ({ address: cellAddress(start.row, start.col + index), text: n.text.slice(0, MAX_NOTE_CHARS) }));
  if (wanted.length === 0) return 0;
  const existing = wanted.map((w) => ({ ...w, note: ws.notes.getItemOrNullObject(w.address) }));
  await ctx.sync();
  for (const e of existing) {
    if (e.note.isNullObject) ws.notes.add(e.address, e.text);
    else e.note.content = e.text;
  }
  await ctx.sync();
  return wanted.length;
}
