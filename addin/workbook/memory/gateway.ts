/**
 * The browser preview's and the tests' workbook: the one WorkbookGateway (excel/gateway.ts) over
 * the in-memory Excel (excel-api.ts), so what runs outside Excel is the code that runs inside it.
 */
import type { ChunkBudget } from '../chunks.js';
import { type ExcelRun, ExcelWorkbookGateway } from '../excel/gateway.js';
import { MemoryExcel, type MemoryExcelOptions } from './excel-api.js';
import { MemoryWorkbook } from './workbook.js';

export interface MemoryGateway extends ExcelWorkbookGateway {
  readonly workbook: MemoryWorkbook;
  readonly excel: MemoryExcel;
}

export function memoryGateway(
  workbook: MemoryWorkbook = new MemoryWorkbook(),
  options: MemoryExcelOptions & { budget?: Partial<ChunkBudget> } = {},
): MemoryGateway {
  const excel = new MemoryExcel(workbook, options);
  const gateway = new ExcelWorkbookGateway({
    kind: 'memory',
    // The in-memory Excel types its contexts loosely; the gateway sees them as Office.js contexts.
    run: excel.run as unknown as ExcelRun,
    isSetSupported: excel.isSetSupported,
    budget: options.budget,
  });
  return Object.assign(gateway, { workbook, excel });
}
