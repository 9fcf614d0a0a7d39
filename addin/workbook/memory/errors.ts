/**
 * Errors shaped like OfficeExtension.Error (code + message). The codes are Excel's own: excel.d.ts
 * Excel.ErrorCodes (accessDenied, apiNotFound, generalException, invalidArgument, invalidOperation,
 * itemNotFound, …), described in https://learn.microsoft.com/office/dev/add-ins/testing/application-specific-api-error-handling
 * and https://learn.microsoft.com/javascript/api/excel/excel.errorcodes.
 */
export class ExcelLikeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RichApi.Error';
  }
}

/**
 * Writes to a protected sheet. Excel's code for "You cannot perform the requested operation." is
 * AccessDenied (Excel.ErrorCodes.accessDenied, above); the Excel service answers a write to a locked cell with exactly
 * that (https://github.com/microsoftgraph/microsoft-graph-docs/issues/4546) and
 * WorksheetProtection itself reports AccessDenied (https://github.com/OfficeDev/office-js/issues/6784).
 */
export function accessDenied(sheet: string, what: string): ExcelLikeError {
  return new ExcelLikeError('AccessDenied', `You cannot perform the requested operation: "${sheet}" is protected (${what}).`);
}
