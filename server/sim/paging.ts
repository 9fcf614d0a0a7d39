import { errors } from './errors.js';

/** Tableau paging: pageSize default 100, max 1000; pageNumber from 1 (docs/tableau-rest.md#paging, tableau-mcp paginate.ts). */
export const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  pageSize: number;
  pageNumber: number;
}

/** Pagination block as JSON sends it: every value a STRING (tableau-mcp jobsApi.test.ts). */
export interface PaginationJson {
  pageNumber: string;
  pageSize: string;
  totalAvailable: string;
}

function positiveInt(raw: string | undefined): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  return /^\d+$/.test(raw.trim()) ? Number(raw) : null;
}

export function parsePageRequest(query: { pageSize?: string; pageNumber?: string }): PageRequest {
  const size = positiveInt(query.pageSize);
  if (size === null || size === 0) throw errors.invalidPageSize();
  if (size !== undefined && size > MAX_PAGE_SIZE) throw errors.pageSizeLimit();
  const number = positiveInt(query.pageNumber);
  if (number === null || number === 0) throw errors.invalidPageNumber();
  return { pageSize: size ?? DEFAULT_PAGE_SIZE, pageNumber: number ?? 1 };
}

/**
 * One page of `items`. Asking past the last page answers 400006 (TSC query.py catches exactly that);
 * page 1 of an empty list is a valid empty page.
 */
export function takePage<T>(items: readonly T[], req: PageRequest): { page: T[]; pagination: PaginationJson } {
  const lastPage = Math.max(1, Math.ceil(items.length / req.pageSize));
  if (req.pageNumber > lastPage) throw errors.invalidPageNumber();
  const start = (req.pageNumber - 1) * req.pageSize;
  return {
    page: items.slice(start, start + req.pageSize),
    pagination: {
      pageNumber: String(req.pageNumber),
      pageSize: String(req.pageSize),
      totalAvailable: String(items.length),
    },
  };
}
