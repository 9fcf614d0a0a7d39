import { z } from 'zod';

import { bool, num, ref, str } from './coerce.js';

/** `project_get.xml`, `project_get_all_fields.xml` (contentsCounts with fields=_all_). */
export const projectSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: str,
  parentProjectId: str,
  contentPermissions: str,
  topLevelProject: bool,
  writeable: bool,
  createdAt: str,
  updatedAt: str,
  owner: ref,
  contentsCounts: z
    .looseObject({ projectCount: num, workbookCount: num, viewCount: num, datasourceCount: num })
    .optional()
    .catch(undefined),
});

export type Project = z.infer<typeof projectSchema>;
