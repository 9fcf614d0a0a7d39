import { z } from 'zod';

import { num, ref, str } from './coerce.js';

/**
 * `tasks.task[].extractRefresh` (`tasks_with_workbook.xml`). Server returns named schedules, Cloud
 * returns `frequency` + `frequencyDetails` (tableau-mcp types/extractRefreshTask.ts): keep both loose.
 */
const extractRefreshSchema = z.looseObject({
  id: z.string().min(1),
  priority: num,
  consecutiveFailedCount: num,
  type: str,
  schedule: z.looseObject({ id: str, name: str, frequency: str, nextRunAt: str, state: str }).optional().catch(undefined),
  workbook: ref,
  datasource: ref,
});

/** A task element is `{extractRefresh: {...}}`; flattened so callers see the refresh itself. */
export const extractRefreshTaskSchema = z.looseObject({ extractRefresh: extractRefreshSchema }).transform((t) => t.extractRefresh);
