import { z } from 'zod';

import { nestedList, num, ref, str } from './coerce.js';

/**
 * Both `backgroundJob` (GET /jobs, `job_get.xml`) and `job` (GET /jobs/{id}, POST .../refresh,
 * `job_get_by_id_failed.xml`, `datasource_refresh.xml`). finishCode: 0 success, 1 failed, 2 cancelled.
 */
export const jobSchema = z.looseObject({
  id: z.string().min(1),
  status: str,
  jobType: str,
  type: str,
  mode: str,
  progress: num,
  priority: num,
  finishCode: num,
  title: str,
  subtitle: str,
  notes: str,
  createdAt: str,
  startedAt: str,
  endedAt: str,
  completedAt: str,
  statusNotes: nestedList('statusNote', z.looseObject({ type: str, value: str, text: str })),
  extractRefreshJob: z.looseObject({ datasource: ref, workbook: ref, notes: str }).optional().catch(undefined),
});

export type Job = z.infer<typeof jobSchema>;

/** `{"job":{...}}` answer of GET /jobs/{id} and POST .../refresh. */
export const jobResponseSchema = z.object({ job: jobSchema });
