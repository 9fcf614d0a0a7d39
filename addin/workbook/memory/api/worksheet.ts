/**
 * Excel.WorksheetCollection, Worksheet, WorksheetProtection and the shapes of a sheet
 * (excel.d.ts; shapes ExcelApi 1.9) over the in-memory workbook.
 */
import { MAX_COLUMNS, MAX_ROWS, parseAddress } from '../../address.js';
import { base64Bytes } from '../../base64.js';
import { pngPixelSize } from '../../picture-placement.js';
import { accessDenied, ExcelLikeError } from '../errors.js';
import type { MemorySheet, MemShape } from '../sheet.js';
import { ClientObject, type Ctx, ItemCollection, ItemObject, loadNames } from './context.js';
import { NoteCollection } from './notes.js';
import type { RangeProxy, TableCollectionProxy, WorksheetProxy } from './types.js';

export class WorksheetCollection extends ItemCollection<Worksheet> {
  protected fetch(itemNames: string[] | null): Worksheet[] {
    return this.ctx.wb.sheets.map((s) => {
      const ws = new Worksheet(this.ctx, () => s.name);
      ws.fill(itemNames);
      return ws;
    });
  }
  add(name?: string): Worksheet {
    let added = name ?? '';
    this.ctx.enqueue({ op: 'worksheets.add', sheet: name }, () => {
      if (!added) {
        let k = this.ctx.wb.sheets.length + 1;
        while (this.ctx.wb.findSheet(`Sheet${k}`)) k++;
        added = `Sheet${k}`;
      }
      // Sheet names: at most 31 characters, none of \ / ? * [ ] :, not blank, not starting or ending
      // with ' (support.microsoft.com "Rename a worksheet"; Excel specifications and limits). Verify in
      // Excel: the API's code for a bad name (InvalidArgument here).
      if (added.length > 31 || /[\\/?*[\]:]/.test(added) || /^'|'$/.test(added) || !added.trim())
        throw new ExcelLikeError('InvalidArgument', `"${added}" is not a valid sheet name.`);
      this.ctx.wb.addSheet(added);
    });
    return new Worksheet(this.ctx, () => this.ctx.wb.sheet(added).name);
  }
  getItem(name: string): Worksheet {
    const ws = new Worksheet(this.ctx, () => this.ctx.wb.sheet(name).name);
    return ws;
  }
  getItemOrNullObject(name: string): Worksheet {
    const ws = new Worksheet(this.ctx, () => this.ctx.wb.sheet(name).name);
    this.ctx.enqueue({ op: 'load' }, () => (ws.isNullObject = !this.ctx.wb.findSheet(name)));
    return ws;
  }
  getActiveWorksheet(): Worksheet {
    return new Worksheet(this.ctx, () => this.ctx.wb.selection.sheet);
  }
}

export class Worksheet
  extends ItemObject<{ name: string; visibility: MemorySheet['visibility']; position: number; id: string }>
  implements WorksheetProxy
{
  readonly tables: TableCollectionProxy;
  readonly protection: WorksheetProtection;
  readonly shapes: ShapeCollection;
  /** Worksheet.notes (ExcelApi 1.18): api/notes.ts. */
  readonly notes: NoteCollection;
  constructor(
    ctx: Ctx,
    readonly resolveName: () => string,
  ) {
    super(ctx);
    this.tables = ctx.make.tables(ctx, this);
    this.protection = new WorksheetProtection(ctx, this);
    this.shapes = new ShapeCollection(ctx, this);
    this.notes = new NoteCollection(ctx, resolveName);
  }
  protected read() {
    const sh = this.ctx.wb.sheet(this.resolveName());
    return { name: sh.name, visibility: sh.visibility, position: this.ctx.wb.sheets.indexOf(sh), id: `{sheet-${sh.name}}` };
  }
  /** Loading "protection/protected" loads the sheet's protection first. */
  override load(spec?: unknown): this {
    if (loadNames(spec)?.some((n) => n.startsWith('protection/'))) this.protection.load('protected');
    return super.load(spec);
  }
  get name(): string {
    return this.prop('name');
  }
  set name(n: string) {
    this.ctx.enqueue({ op: 'worksheet.name', format: n }, () => {
      const sh = this.ctx.wb.sheet(this.resolveName());
      if (this.ctx.wb.findSheet(n) && this.ctx.wb.findSheet(n) !== sh)
        throw new ExcelLikeError('ItemAlreadyExists', `A worksheet named "${n}" already exists.`);
      for (const t of this.ctx.wb.tables) if (t.sheet === sh.name) t.sheet = n;
      if (this.ctx.wb.selection.sheet === sh.name) this.ctx.wb.selection.sheet = n;
      sh.name = n;
    });
  }
  get position(): number {
    return this.prop('position');
  }
  get visibility(): 'Visible' | 'Hidden' | 'VeryHidden' {
    return this.prop('visibility');
  }
  /**
   * Worksheet.visibility (settable, ExcelApi 1.1/1.2). Excel refuses to hide the last visible sheet
   * ("A workbook must contain at least one visible worksheet") — Verify in Excel for the API's code;
   * we use InvalidOperation.
   */
  set visibility(value: 'Visible' | 'Hidden' | 'VeryHidden') {
    this.ctx.enqueue({ op: 'worksheet.visibility', format: value }, () => {
      const sh = this.ctx.wb.sheet(this.resolveName());
      if (value !== 'Visible' && this.ctx.wb.sheets.every((s) => s === sh || s.hidden))
        throw new ExcelLikeError('InvalidOperation', 'A workbook must contain at least one visible worksheet.');
      sh.visibility = value;
    });
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): RangeProxy {
    return this.ctx.make.range(this.ctx, () => {
      if (row < 0 || col < 0 || rows < 1 || cols < 1 || row + rows > MAX_ROWS || col + cols > MAX_COLUMNS)
        throw new ExcelLikeError('InvalidArgument', 'The range is outside the sheet.');
      return { sheet: this.resolveName(), rect: { row, col, rows, cols } };
    });
  }
  /** getRange(address); no address = the whole sheet. */
  getRange(address?: string): RangeProxy {
    return this.ctx.make.range(this.ctx, () => ({
      sheet: this.resolveName(),
      rect: address ? parseAddress(address) : { row: 0, col: 0, rows: MAX_ROWS, cols: MAX_COLUMNS },
    }));
  }
  getCell(row: number, col: number): RangeProxy {
    return this.getRangeByIndexes(row, col, 1, 1);
  }
  getUsedRangeOrNullObject(valuesOnly = false): RangeProxy {
    return this.getRange().getUsedRangeOrNullObject(valuesOnly);
  }
  /** Deleting a sheet removes its tables; a protected sheet can still be deleted (sheet protection guards cells, not the workbook's structure). */
  delete(): void {
    this.ctx.enqueue({ op: 'worksheet.delete' }, () => {
      const name = this.resolveName();
      if (this.ctx.wb.sheets.length === 1) throw new ExcelLikeError('InvalidOperation', 'A workbook must contain at least one worksheet.');
      this.ctx.wb.deleteSheet(name);
      if (this.ctx.wb.selection.sheet.toLowerCase() === name.toLowerCase())
        this.ctx.wb.selection = { sheet: this.ctx.wb.sheets[0].name, rect: { row: 0, col: 0, rows: 1, cols: 1 } };
    });
  }
  activate(): void {
    this.ctx.enqueue({ op: 'worksheet.activate' }, () => {
      const sh = this.ctx.wb.sheet(this.resolveName());
      // Verify in Excel: a hidden sheet cannot be activated (the UI cannot show it); InvalidOperation.
      if (sh.hidden) throw new ExcelLikeError('InvalidOperation', `"${sh.name}" is hidden and cannot be activated.`);
      this.ctx.wb.selection = { sheet: sh.name, rect: { row: 0, col: 0, rows: 1, cols: 1 } };
    });
  }
}

/**
 * WorksheetProtection (ExcelApi 1.2): `protected`, protect(), unprotect(). Calling protect() on a
 * protected sheet or unprotect() on an unprotected one fails with AccessDenied
 * (https://github.com/OfficeDev/office-js/issues/6784; Verify in Excel: reported as a regression, we
 * keep the stricter behaviour).
 */
export class WorksheetProtection extends ClientObject {
  private _protected = false;
  constructor(
    ctx: Ctx,
    private readonly ws: Worksheet,
  ) {
    super(ctx);
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      this._protected = this.ctx.wb.sheet(this.ws.resolveName()).protected;
      this.markLoaded(names);
    });
    return this;
  }
  get protected(): boolean {
    this.need('protected');
    return this._protected;
  }
  protect(): void {
    this.ctx.enqueue({ op: 'protection.protect' }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (sh.protected) throw accessDenied(sh.name, 'already protected');
      sh.protected = true;
    });
  }
  unprotect(): void {
    this.ctx.enqueue({ op: 'protection.unprotect' }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (!sh.protected)
        throw new ExcelLikeError('AccessDenied', `You cannot perform the requested operation: "${sh.name}" is not protected.`);
      sh.protected = false;
    });
  }
}

/**
 * Worksheet.shapes (ExcelApi 1.9). A new geometric shape is named "<Type> <n>" and placed at the
 * top-left, 72 × 72 pt (Verify in Excel: the API's default size and name). Shapes float over cells:
 * they are not in the used range. Adding or moving one on a protected sheet fails (excel.d.ts
 * WorksheetProtectionOptions.allowEditObjects defaults to false).
 */
export class ShapeCollection extends ItemCollection<Shape> {
  constructor(
    ctx: Ctx,
    private readonly ws: Worksheet,
  ) {
    super(ctx);
  }
  protected fetch(itemNames: string[] | null): Shape[] {
    return this.ctx.wb.sheet(this.ws.resolveName()).shapes.map((s) => {
      const p = new Shape(this.ctx, this.ws, s.id);
      p.fill(itemNames);
      return p;
    });
  }
  addGeometricShape(type: string): Shape {
    this.ctx.requires('1.9', 'ShapeCollection.addGeometricShape');
    const id = `{shape-${Math.random().toString(36).slice(2)}}`;
    this.ctx.enqueue({ op: 'shapes.addGeometricShape', format: type }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (sh.protected) throw accessDenied(sh.name, 'shapes.add');
      const n = sh.shapes.length + 1;
      sh.shapes.push({ id, name: `${type} ${n}`, type, left: 0, top: 0, width: 72, height: 72 });
    });
    return new Shape(this.ctx, this.ws, id);
  }
  /**
   * ShapeCollection.addImage(base64ImageString), ExcelApi 1.9: "a base64-encoded string representing
   * an image in either JPEG or PNG format"
   * (https://learn.microsoft.com/en-us/javascript/api/excel/excel.shapecollection#excel-excel-shapecollection-addimage-member(1)).
   * Anything else fails with InvalidArgument. The new picture sits at the top-left at its own size:
   * pixels at 96 per inch, so 0.75 pt a pixel (Verify in Excel: the default size and the name
   * "Picture <n>", which is what Excel's Insert > Picture names them); it is drawn above the shapes
   * before it (the last in z-order).
   */
  addImage(base64ImageString: string): Shape {
    this.ctx.requires('1.9', 'ShapeCollection.addImage');
    const id = `{shape-${Math.random().toString(36).slice(2)}}`;
    this.ctx.enqueue({ op: 'shapes.addImage', format: base64ImageString.length }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (sh.protected) throw accessDenied(sh.name, 'shapes.addImage');
      const size = imagePixelSize(base64ImageString);
      if (!size) throw new ExcelLikeError('InvalidArgument', 'The argument is invalid or missing or has an incorrect format.');
      const n = sh.shapes.length + 1;
      sh.shapes.push({
        id,
        name: `Picture ${n}`,
        type: 'Image',
        left: 0,
        top: 0,
        width: size.width * PT_PER_PX,
        height: size.height * PT_PER_PX,
        image: base64ImageString,
      });
    });
    return new Shape(this.ctx, this.ws, id);
  }
}

/** Points per pixel at 96 pixels per inch (72 points an inch). */
const PT_PER_PX = 0.75;

/** Width and height in pixels of a base64 PNG (IHDR) or JPEG (first SOFn marker); null for anything else. */
function imagePixelSize(base64: string): { width: number; height: number } | null {
  const bytes = base64Bytes(base64);
  const png = pngPixelSize(bytes);
  if (png || bytes[0] !== 0xff || bytes[1] !== 0xd8) return png;
  const u16 = (i: number) => (bytes[i] << 8) | bytes[i + 1];
  for (let i = 2; i + 9 < bytes.length;) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: u16(i + 5), width: u16(i + 7) };
    i += 2 + u16(i + 2);
  }
  return null;
}

export class Shape extends ItemObject<MemShape & { zOrderPosition: number; type: string }> {
  constructor(
    ctx: Ctx,
    private readonly ws: Worksheet,
    readonly shapeId: string,
  ) {
    super(ctx);
  }
  private shape(): MemShape {
    const s = this.ctx.wb.sheet(this.ws.resolveName()).shapes.find((x) => x.id === this.shapeId);
    if (!s) throw new ExcelLikeError('ItemNotFound', 'The shape does not exist.');
    return s;
  }
  /** Shape.zOrderPosition (ExcelApi 1.9): the position in z-order, 0 at the bottom; here the order shapes were added in. */
  protected read(): MemShape & { zOrderPosition: number } {
    const shapes = this.ctx.wb.sheet(this.ws.resolveName()).shapes;
    const s = this.shape();
    return { ...s, zOrderPosition: shapes.indexOf(s) };
  }
  get zOrderPosition(): number {
    return this.prop('zOrderPosition');
  }
  get type(): string {
    return this.prop('type');
  }
  private setProp(prop: 'left' | 'top' | 'width' | 'height' | 'name', v: number | string): void {
    this.ctx.enqueue({ op: `shape.${prop}`, format: v }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (sh.protected) throw accessDenied(sh.name, `Shape.${prop}`);
      const s = this.shape();
      if (prop === 'name') s.name = String(v);
      else {
        if (typeof v !== 'number' || v < 0) throw new ExcelLikeError('InvalidArgument', `Shape.${prop} must be a number ≥ 0.`);
        s[prop] = v;
      }
    });
  }
  get id(): string {
    return this.shapeId;
  }
  get name(): string {
    return this.prop('name');
  }
  set name(v: string) {
    this.setProp('name', v);
  }
  get left(): number {
    return this.prop('left');
  }
  set left(v: number) {
    this.setProp('left', v);
  }
  get top(): number {
    return this.prop('top');
  }
  set top(v: number) {
    this.setProp('top', v);
  }
  get width(): number {
    return this.prop('width');
  }
  set width(v: number) {
    this.setProp('width', v);
  }
  get height(): number {
    return this.prop('height');
  }
  set height(v: number) {
    this.setProp('height', v);
  }
  /**
   * Shape.setZOrder (ExcelApi 1.9): "BringToFront" | "BringForward" | "SendToBack" | "SendBackward"
   * (excel.d.ts Excel.ShapeZOrder), moving it in the sheet's stacking order (the shapes array).
   */
  setZOrder(position: 'BringToFront' | 'BringForward' | 'SendToBack' | 'SendBackward'): void {
    this.ctx.enqueue({ op: 'shape.setZOrder', format: position }, () => {
      const shapes = this.ctx.wb.sheet(this.ws.resolveName()).shapes;
      const s = this.shape();
      const from = shapes.indexOf(s);
      const to = { BringToFront: shapes.length - 1, BringForward: from + 1, SendToBack: 0, SendBackward: from - 1 }[position];
      if (to === undefined) throw new ExcelLikeError('InvalidArgument', `"${position}" is not a z-order position.`);
      shapes.splice(from, 1);
      shapes.splice(Math.max(0, Math.min(shapes.length, to)), 0, s);
    });
  }
  delete(): void {
    this.ctx.enqueue({ op: 'shape.delete' }, () => {
      const sh = this.ctx.wb.sheet(this.ws.resolveName());
      if (sh.protected) throw accessDenied(sh.name, 'Shape.delete');
      sh.shapes.splice(sh.shapes.indexOf(this.shape()), 1);
    });
  }
}
