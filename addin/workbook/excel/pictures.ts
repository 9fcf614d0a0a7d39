/**
 * A view's picture as a floating image shape (Worksheet.shapes, ExcelApi 1.9):
 * ShapeCollection.addImage(base64) takes a PNG or JPEG
 * (https://learn.microsoft.com/en-us/javascript/api/excel/excel.shapecollection#excel-excel-shapecollection-addimage-member(1)),
 * and Shape.left/top/width/height are points (https://learn.microsoft.com/en-us/javascript/api/excel/excel.shape).
 * Placement: picture-placement.ts. The picture is found again by its name (the refresh definition
 * keeps it), and replaced by a new image at the old one's size, position and z-order.
 */
import type { PictureInfo, PicturePlacement } from '../gateway.js';
import { WorkbookError } from '../gateway.js';
import { type Box, overlaps, placePicture } from '../picture-placement.js';

const GEOMETRY = 'left,top,width,height';
/** A picture placed at a cell keeps this much room from whatever it has to step right of. */
const MIN_GAP_PT = 12;

function protectedSheet(sheet: string): WorkbookError {
  return new WorkbookError(
    'sheet-protected',
    `The sheet "${sheet}" is protected, so Excel will not let the add-in place a picture on it.`,
    'Unprotect it (Review > Unprotect Sheet), or insert the table without its picture.',
  );
}

const boxOf = (r: { left: number; top: number; width: number; height: number }): Box => ({
  left: r.left,
  top: r.top,
  width: r.width,
  height: r.height,
});

interface SheetReads {
  sheet: Excel.Worksheet;
  protection: Excel.WorksheetProtection;
  used: Excel.Range;
  shapes: Excel.ShapeCollection;
  table: Excel.Range | null;
}

/** One request: the sheet's protection, its used cells' box, its shapes and (optionally) the table's range. */
async function readSheet(ctx: Excel.RequestContext, sheetName: string, tableName?: string): Promise<SheetReads> {
  const sheet = ctx.workbook.worksheets.getItemOrNullObject(sheetName);
  await ctx.sync();
  if (sheet.isNullObject) throw new WorkbookError('not-found', `The sheet "${sheetName}" does not exist.`);
  const reads: SheetReads = {
    sheet,
    protection: sheet.protection.load('protected'),
    used: sheet.getUsedRangeOrNullObject(true).load(GEOMETRY),
    shapes: sheet.shapes.load(`items/name,zOrderPosition,${GEOMETRY}`),
    table: tableName ? ctx.workbook.tables.getItem(tableName).getRange().load(`rowIndex,columnIndex,columnCount,${GEOMETRY}`) : null,
  };
  await ctx.sync();
  if (reads.protection.protected) throw protectedSheet(sheetName);
  return reads;
}

/** The used cells and the other shapes, as boxes the picture must not cover. */
function occupiedBy(reads: SheetReads, except?: string): Box[] {
  return [...(reads.used.isNullObject ? [] : [boxOf(reads.used)]), ...reads.shapes.items.filter((s) => s.name !== except).map(boxOf)];
}

/**
 * The place a new picture of `size` gets: right of the table with one column between them (the
 * width of the column after the gap column is the gap beyond everything else), or at `at`.
 */
async function placeFor(
  ctx: Excel.RequestContext,
  reads: SheetReads,
  where: PicturePlacement,
  size: { width: number; height: number },
  except?: string,
): Promise<Box> {
  let anchor: Excel.Range;
  let gapColumn: Excel.Range | null = null;
  if (where.kind === 'beside') {
    const t = reads.table!;
    // The cell two columns right of the table's last column, on its header row: one empty column between.
    const after = t.columnIndex + t.columnCount;
    gapColumn = reads.sheet.getRangeByIndexes(t.rowIndex, after, 1, 1).load('width');
    anchor = reads.sheet.getRangeByIndexes(t.rowIndex, after + 1, 1, 1).load('left,top');
  } else anchor = reads.sheet.getRange(where.address).load('left,top');
  await ctx.sync();
  return placePicture({ left: anchor.left, top: anchor.top }, size, occupiedBy(reads, except), gapColumn?.width ?? MIN_GAP_PT);
}

function setGeometry(shape: Excel.Shape, box: Box): void {
  shape.left = box.left;
  shape.top = box.top;
  shape.width = box.width;
  shape.height = box.height;
}

export async function insertPictureIn(
  ctx: Excel.RequestContext,
  req: { sheet: string; name: string; base64: string; size: { width: number; height: number }; where: PicturePlacement },
): Promise<PictureInfo> {
  const reads = await readSheet(ctx, req.sheet, req.where.kind === 'beside' ? req.where.table : undefined);
  if (reads.shapes.items.some((s) => s.name === req.name))
    throw new WorkbookError(
      'collision',
      `The sheet "${req.sheet}" already has a picture named "${req.name}".`,
      'Remove or rename it first.',
    );
  const box = await placeFor(ctx, reads, req.where, req.size);
  const shape = reads.sheet.shapes.addImage(req.base64);
  shape.name = req.name;
  setGeometry(shape, box);
  await ctx.sync();
  return { name: req.name, sheet: req.sheet, ...box };
}

/**
 * The named picture gets the new image at its old size, position and z-order. It moves (same size)
 * only when the refreshed table now reaches under it, to the place a new picture would get. The old
 * shape is deleted in the same request after the new one is in place, so a refused image (addImage
 * fails first) leaves the old picture exactly as it was. Null when the picture is gone.
 */
export async function replacePictureIn(
  ctx: Excel.RequestContext,
  req: { sheet: string; name: string; base64: string; table?: string },
): Promise<PictureInfo | null> {
  const reads = await readSheet(ctx, req.sheet, req.table);
  const old = reads.shapes.items.find((s) => s.name === req.name);
  if (!old) return null;
  let box = boxOf(old);
  if (reads.table && overlaps(box, boxOf(reads.table)))
    box = await placeFor(ctx, reads, { kind: 'beside', table: req.table! }, { width: box.width, height: box.height }, req.name);
  const fresh = reads.sheet.shapes.addImage(req.base64);
  setGeometry(fresh, box);
  old.delete();
  fresh.name = req.name;
  // addImage puts the new picture on top; send it back down to where the old one was.
  const steps = reads.shapes.items.length - 1 - old.zOrderPosition;
  for (let i = 0; i < steps; i++) fresh.setZOrder('SendBackward');
  await ctx.sync();
  return { name: req.name, sheet: req.sheet, ...box };
}
