/**
 * VDS error shape (TableauError in the VDS OpenAPI schema), not the REST `{error:{code,summary,detail}}`:
 *   {"errorCode":"400803","message":"Unknown Field: Foobar.","datetime":"…","debug":{"details":{"detail":"…"}}}
 * (tableau/tableau-mcp queryDatasource.test.ts mock, a request sent with options.debug = true). Codes and
 * their HTTP statuses: https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_error_codes.html
 * Without debug a real answer is just `{errorCode, message, datetime}` (quoted in tableau/tableau-mcp pull
 * request #916); the schema's NON_EMPTY annotation drops empty members such as `tab-error-code`.
 */
export class VdsError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly httpStatus = Number(errorCode.slice(0, 3)),
  ) {
    super(message);
  }
}

export function vdsErrorBody(errorCode: string, message: string, debug = false): Record<string, unknown> {
  const body: Record<string, unknown> = { errorCode, message, datetime: new Date().toISOString() };
  if (debug) body.debug = { details: { detail: `Error in query, ${message}` } };
  return body;
}
