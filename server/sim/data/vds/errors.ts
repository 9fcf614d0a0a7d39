/**
 * VDS error shape (TableauError in the OpenAPI schema), not the REST `{error:{code,summary,detail}}`:
 *   {"errorCode":"400803","message":"Unknown Field: Foobar.","datetime":"…","debug":{"details":{"detail":"…"}}}
 * (tableau-mcp queryDatasource.test.ts mock; codes from vds_error_codes.html via notes §5.4).
 */
export class VdsError extends Error {
  constructor(readonly errorCode: string, message: string, readonly httpStatus = Number(errorCode.slice(0, 3))) {
    super(message);
  }
}

export function vdsErrorBody(errorCode: string, message: string): Record<string, unknown> {
  return {
    errorCode,
    message,
    datetime: new Date().toISOString(),
    debug: { details: { detail: `Error in query, ${message}` } },
    'tab-error-code': errorCode,
  };
}
