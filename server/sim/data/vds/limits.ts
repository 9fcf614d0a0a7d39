/**
 * Configurable VDS limits of the simulator. Real defaults: 1 GB per response and "100 queries per
 * hour per Creator license" per site (vds_limitations.html); the simulator starts generous and tests
 * lower them through POST /_sim/data/vds/limits.
 */
import { z } from 'zod';

export const limitsSchema = z.strictObject({
  maxRows: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
  queriesPerHour: z.number().int().positive().optional(),
});
export type VdsLimits = Required<z.infer<typeof limitsSchema>>;

const DEFAULTS: VdsLimits = { maxRows: 5_000_000, maxBytes: 1_073_741_824, queriesPerHour: 100_000 };
let limits: VdsLimits = { ...DEFAULTS };
const recent = new Map<string, number[]>();

export function getLimits(): VdsLimits {
  return limits;
}

export function setLimits(change: z.infer<typeof limitsSchema>): VdsLimits {
  limits = { ...limits, ...change };
  return limits;
}

export function resetLimits(): VdsLimits {
  limits = { ...DEFAULTS };
  recent.clear();
  return limits;
}

/** Counts one query for the site; false when the hourly cap is already used up. */
export function takeQuota(siteId: string, now = Date.now()): boolean {
  const hourAgo = now - 3_600_000;
  const times = (recent.get(siteId) ?? []).filter((t) => t > hourAgo);
  if (times.length >= limits.queriesPerHour) {
    recent.set(siteId, times);
    return false;
  }
  times.push(now);
  recent.set(siteId, times);
  return true;
}
