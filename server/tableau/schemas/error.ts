import { z } from 'zod';

import { str } from './coerce.js';

/**
 * REST: `{"error":{"summary","detail","code":"401001"}}`, every part optional (tableau-mcp tableauApiError.ts);
 * XML `<error code><summary/><detail/></error>` is the same (rest_api_concepts_errors.htm).
 */
export const restErrorSchema = z.object({
  error: z.looseObject({ code: str, summary: str, detail: str }),
});

/**
 * VDS: `TableauError` of the VDS OpenAPI schema — `{errorCode, message, messages?, datetime, debug?,
 * "tab-error-code"?}`, e.g. `{"errorCode":"400803","message":"Unknown Field: Foobar.",...}`. The schema
 * makes every member optional; a body counts as a VDS answer only when it carries `errorCode` (a string,
 * some servers and mocks send a number), which is what tells "VDS answered" from "nothing speaks VDS
 * here" for a 404 (errors.ts vdsError).
 */
export const vdsErrorSchema = z.looseObject({
  errorCode: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
  message: str,
});
