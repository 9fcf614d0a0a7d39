/**
 * Where a contract (common/source.ts, common/vds-query.ts) may be bounded. The contract writes the
 * shape once and asks a `Bounds` at each named spot; the add-in uses UNBOUNDED (a workbook's stored
 * definition is never refused for its size), the companion server passes its request limits
 * (server/http/bounds.ts, server/http/limits.ts), so nothing unbounded reaches its services.
 */
import { z } from 'zod';

/** Free-text properties of a source, by name. */
export type TextSpot =
  | 'contentUrl'
  | 'name'
  | 'locale'
  | 'inventoryFilter'
  | 'inventorySort'
  | 'inventoryFields'
  | 'caption'
  | 'function'
  | 'fieldAlias'
  | 'filterType'
  // POST /api/connections (common/api.ts): a PAT name or user name, a secret, a JWT, a label.
  | 'principal'
  | 'secret'
  | 'jwt'
  | 'label';

/** Lists and maps of a source, by name. */
export type ListSpot = 'vdsFields' | 'vdsFilters' | 'vdsParameters' | 'vdsFilterValues' | 'viewFilters';

export interface Bounds {
  /** A string property: the server caps its length. */
  text(spot: TextSpot): z.ZodString;
  /** A list (or a map's entries): the server caps how many. */
  list<T extends z.ZodType>(item: T, spot: ListSpot): z.ZodArray<T>;
  /** View filters or parameters (field name → value). */
  stringMap(): z.ZodType<Record<string, string>>;
  /** A Tableau calculation. */
  calculation(): z.ZodType<string>;
  /** A value the contract does not type (a filter value, a newer VDS version's property); `what` names it. */
  json(what: string): z.ZodType<unknown>;
  /** Highest `sortPriority` and `maxDecimalPlaces` of a VDS field, when bounded. */
  sortPriorityMax?: number;
  decimalPlacesMax?: number;
}

export const UNBOUNDED: Bounds = {
  text: () => z.string(),
  list: (item) => z.array(item),
  // A filter on a nameless field cannot be sent to Tableau (vf_=x), so the name is required everywhere.
  stringMap: () => z.record(z.string().min(1), z.string()),
  calculation: () => z.string(),
  json: () => z.unknown(),
};
