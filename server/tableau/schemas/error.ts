import { z } from 'zod';
import { str } from './coerce.js';

/** REST: `{"error":{"summary","detail","code":"401001"}}`, every part optional (tableau-mcp tableauApiError.ts). */
export const restErrorSchema = z.object({
  error: z.looseObject({ code: str, summary: str, detail: str }),
});

/** VDS: `{"errorCode":"400803","message":"Unknown Field: Foobar.", ...}` (notes §5.4). */
export const vdsErrorSchema = z.looseObject({
  errorCode: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
  message: str,
});
