/**
 * Excel.NoteCollection and Excel.Note (ExcelApi 1.18,
 * https://learn.microsoft.com/en-us/javascript/api/excel/excel.notecollection and
 * https://learn.microsoft.com/en-us/javascript/api/excel/excel.note) on a worksheet of the in-memory
 * Excel. What is modelled, from those pages:
 * - `add(cellAddress, content)` puts a note on ONE cell: "an InvalidArgument error is thrown if
 *   multiple cells are selected" (the add sample); a cell that already has a note also answers
 *   InvalidArgument here (Verify in Excel: the code for a second note on a cell);
 * - `getItem(key)` / `getItemOrNullObject(key)` find a note by its cell address (ItemNotFound /
 *   a null object when the cell has none);
 * - `content` is read and written; `authorName` is read-only (the signed-in user; "Tableau add-in" here);
 * - `delete()` removes it; every member needs ExcelApi 1.18 (ApiNotFound otherwise, context.ts requires);
 * - a protected sheet refuses new notes (WorksheetProtectionOptions.allowEditObjects defaults to false).
 */
import { parseAddress } from '../../address.js';
import { accessDenied, ExcelLikeError } from '../errors.js';
import { cellKey, type MemNote, type MemorySheet } from '../sheet.js';
import { type Ctx, ItemCollection, ItemObject } from './context.js';

const NOTES_SET = '1.18';
const AUTHOR = 'Tableau add-in';

function singleCell(address: string): { row: number; col: number } {
  const rect = parseAddress(address.slice(address.lastIndexOf('!') + 1));
  if (rect.rows !== 1 || rect.cols !== 1) throw new ExcelLikeError('InvalidArgument', 'A note goes on a single cell.');
  return { row: rect.row, col: rect.col };
}

export class NoteCollection extends ItemCollection<Note> {
  constructor(
    ctx: Ctx,
    private readonly sheetName: () => string,
  ) {
    super(ctx);
  }
  private sheet(): MemorySheet {
    return this.ctx.wb.sheet(this.sheetName());
  }
  protected fetch(itemNames: string[] | null): Note[] {
    return [...this.sheet().notes.keys()].map((key) => {
      const n = new Note(this.ctx, () => this.sheet(), key);
      n.fill(itemNames);
      return n;
    });
  }
  add(cellAddress: string | { address?: string }, content: string): Note {
    this.ctx.requires(NOTES_SET, 'NoteCollection.add');
    const address = typeof cellAddress === 'string' ? cellAddress : String(cellAddress.address ?? '');
    let key = -1;
    this.ctx.enqueue({ op: 'notes.add', address, format: content }, () => {
      const sh = this.sheet();
      if (sh.protected) throw accessDenied(sh.name, 'notes.add');
      const at = singleCell(address);
      key = cellKey(at.row, at.col);
      if (sh.notes.has(key)) throw new ExcelLikeError('InvalidArgument', `The cell ${address} already has a note.`);
      sh.notes.set(key, { content: String(content), authorName: AUTHOR });
    });
    return new Note(
      this.ctx,
      () => this.sheet(),
      () => key,
    );
  }
  getItemOrNullObject(key: string): Note {
    this.ctx.requires(NOTES_SET, 'NoteCollection.getItemOrNullObject');
    const at = singleCell(key);
    const note = new Note(this.ctx, () => this.sheet(), cellKey(at.row, at.col));
    this.ctx.enqueue({ op: 'load' }, () => (note.isNullObject = !this.sheet().notes.has(cellKey(at.row, at.col))));
    return note;
  }
  getItem(key: string): Note {
    this.ctx.requires(NOTES_SET, 'NoteCollection.getItem');
    const at = singleCell(key);
    return new Note(this.ctx, () => this.sheet(), cellKey(at.row, at.col));
  }
}

export class Note extends ItemObject<MemNote> {
  private readonly keyOf: () => number;
  constructor(
    ctx: Ctx,
    private readonly sheet: () => MemorySheet,
    key: number | (() => number),
  ) {
    super(ctx);
    this.keyOf = typeof key === 'number' ? () => key : key;
  }
  private note(): MemNote {
    const n = this.sheet().notes.get(this.keyOf());
    if (!n) throw new ExcelLikeError('ItemNotFound', 'The note does not exist.');
    return n;
  }
  protected read(): MemNote {
    return { ...this.note() };
  }
  get content(): string {
    return this.prop('content');
  }
  set content(v: string) {
    this.ctx.enqueue({ op: 'note.content', format: v }, () => {
      const sh = this.sheet();
      if (sh.protected) throw accessDenied(sh.name, 'Note.content');
      this.note().content = String(v);
    });
  }
  get authorName(): string {
    return this.prop('authorName');
  }
  delete(): void {
    this.ctx.enqueue({ op: 'note.delete' }, () => {
      this.note();
      this.sheet().notes.delete(this.keyOf());
    });
  }
}
