import { z } from 'zod';

import { str } from './coerce.js';

/**
 * `{"serverInfo":{"productVersion":{"value":"2025.3.0","build":"..."},"restApiVersion":"3.27"}}`
 * (tableau-mcp types/serverInfo.ts). The XML text node became `value`; a plain string is accepted too.
 */
export const serverInfoSchema = z
  .object({
    serverInfo: z.looseObject({
      productVersion: z.union([z.string(), z.looseObject({ value: str, build: str })]).optional(),
      restApiVersion: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^\d+\.\d+$/)),
    }),
  })
  .transform(({ serverInfo }) => {
    const pv = serverInfo.productVersion;
    return {
      productVersion: (typeof pv === 'string' ? pv : pv?.value) ?? 'unknown',
      build: typeof pv === 'string' ? undefined : pv?.build,
      restApiVersion: serverInfo.restApiVersion,
    };
  });

export type ServerInfo = z.infer<typeof serverInfoSchema>;
