import { z } from 'zod';
import { bool, nestedList, num, ref, str, tags } from './coerce.js';
import { viewSchema } from './view.js';

/** `workbook_get.xml` (+ `_all_` extras); GET /workbooks/{id} embeds `views.view[]` (tableau-mcp types/workbook.ts). */
export const workbookSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: str,
  contentUrl: str,
  webpageUrl: str,
  showTabs: bool,
  size: num,
  sheetCount: num,
  hasExtracts: bool,
  defaultViewId: str,
  createdAt: str,
  updatedAt: str,
  project: ref,
  owner: ref,
  tags,
  views: nestedList('view', viewSchema),
});

export type Workbook = z.infer<typeof workbookSchema>;
