import { z } from 'zod';

import { bool, id, nestedList, num, ref, str, tags, text, tolerantObject } from './coerce.js';
import { viewSchema } from './view.js';

/** `workbook_get.xml` (+ `_all_` extras); GET /workbooks/{id} embeds `views.view[]` (tableau-mcp types/workbook.ts). */
export const workbookSchema = tolerantObject({
  id,
  name: text,
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
