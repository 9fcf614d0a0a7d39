/**
 * The staging sheet: new data is written to a very hidden sheet first and copied into place in one
 * request at the end (Range.copyFrom, ExcelApi 1.9), because nothing is transactional across
 * context.sync() calls (https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-core-concepts):
 * a write that fails at chunk N would otherwise leave chunks 1..N-1 in the user's table. With
 * staging, a failure anywhere before the final request leaves the table exactly as it was
 * (docs/decisions.md#stage-and-swap).
 *
 * The same request that adds the sheet also probes the workbook's date system: =DATE(2000,1,1) is
 * 36526 in the 1900 system and 35064 in the 1904 system
 * (https://learn.microsoft.com/office/troubleshoot/excel/1900-and-1904-date-system); the API has no
 * released property for it.
 */
import { randomSuffix } from './random.js';

/** Prefix of staging sheets; listSheets hides them and stale ones are removed. */
const STAGING_PREFIX = 'TDE_Stage_';
/** A staging sheet older than this is a leftover of a closed pane (a live write finishes long before). */
const STALE_MINUTES = 60;
const PROBE_1904 = 35064;

export function isStagingSheet(name: string): boolean {
  return name.startsWith(STAGING_PREFIX);
}

/** TDE_Stage_<minutes since epoch, base 36>_<random>: ≤ 31 characters, sortable by age. */
function stagingName(now: number): string {
  return `${STAGING_PREFIX}${Math.floor(now / 60_000).toString(36)}_${randomSuffix()}`;
}

function ageMinutes(name: string, now: number): number {
  const minutes = parseInt(name.slice(STAGING_PREFIX.length).split('_')[0] ?? '', 36);
  return Number.isFinite(minutes) ? Math.floor(now / 60_000) - minutes : 0;
}

export interface Staging {
  sheet: Excel.Worksheet;
  name: string;
  /** Read after the next sync. */
  date1904(): boolean;
}

/**
 * Queues: remove stale staging sheets (from `existing`), add a very hidden staging sheet and, when
 * the data has dates, probe the date system in it. Read `date1904()` after ctx.sync().
 */
export function queueStaging(ctx: Excel.RequestContext, existing: string[], probe: boolean, now = Date.now()): Staging {
  for (const name of existing)
    if (isStagingSheet(name) && ageMinutes(name, now) > STALE_MINUTES) ctx.workbook.worksheets.getItem(name).delete();
  const name = stagingName(now);
  const sheet = ctx.workbook.worksheets.add(name);
  sheet.visibility = 'VeryHidden';
  return { sheet, name, date1904: probe ? queueDateProbe(sheet) : () => false };
}

/** Writes =DATE(2000,1,1) into A1 of a sheet the add-in owns and reads it back; A1 is overwritten later. */
export function queueDateProbe(sheet: Excel.Worksheet): () => boolean {
  const cell = sheet.getRange('A1');
  cell.formulas = [['=DATE(2000,1,1)']];
  cell.load('values');
  return () => cell.values[0]?.[0] === PROBE_1904;
}

/** Deletes a sheet the add-in made (staging, or a new sheet whose write failed) in its own request; never throws. */
export async function dropSheet(ctx: Excel.RequestContext, name: string): Promise<void> {
  try {
    ctx.workbook.worksheets.getItem(name).delete();
    await ctx.sync();
  } catch {
    // A leftover very hidden sheet is removed by the next write (STALE_MINUTES).
  }
}
