import { z } from 'zod';

import { bool, ref, str } from './coerce.js';

/**
 * `workbook_populate_connections.xml`; "Tableau Server/Cloud versions are inconsistent about which
 * fields they emit" (tableau-mcp types/workbook.ts), so only `id` is required. `datasource.id` is the
 * embedded data source LUID usable by VDS.
 */
export const connectionSchema = z.looseObject({
  id: z.string().min(1),
  type: str,
  serverAddress: str,
  serverPort: str,
  userName: str,
  embedPassword: bool,
  datasource: ref,
});

export type Connection = z.infer<typeof connectionSchema>;
