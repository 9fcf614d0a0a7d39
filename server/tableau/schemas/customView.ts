import { z } from 'zod';

import { bool, ref, str } from './coerce.js';

/** GET /customviews (API 3.18+; tableau-mcp types/customView.ts). */
export const customViewSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  shared: bool,
  createdAt: str,
  updatedAt: str,
  lastAccessedAt: str,
  view: ref,
  workbook: ref,
  owner: ref,
});
