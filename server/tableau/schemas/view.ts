import { z } from 'zod';

import { num, ref, str, tags } from './coerce.js';

/** `view_get_usage.xml`: usage only with includeUsageStatistics=true; sheetType view|dashboard|story. */
export const viewSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  contentUrl: str,
  viewUrlName: str,
  sheetType: str,
  createdAt: str,
  updatedAt: str,
  workbook: ref,
  owner: ref,
  project: ref,
  tags,
  usage: z.looseObject({ totalViewCount: num }).optional().catch(undefined),
});

export type View = z.infer<typeof viewSchema>;
