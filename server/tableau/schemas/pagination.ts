import { z } from 'zod';

import { num } from './coerce.js';

/** `{"pageNumber":"1","pageSize":"100","totalAvailable":"158"}`: strings in JSON (docs/tableau-rest.md#paging). */
export const paginationSchema = z.object({
  pageNumber: num,
  pageSize: num,
  totalAvailable: num,
});
