/**
 * The operator's VizQL Data Service budget per site: VDS allows a site 100 queries an hour per
 * Creator licence (https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_limitations.html).
 * We cannot see how many licences a site has, so the number is the operator's setting
 * (VDS_QUERIES_PER_HOUR_PER_SITE; unset = no budget of ours, Tableau's 429000 still applies).
 *
 * The window ROLLS: a call is allowed when fewer than `perHour` calls were let through in the last
 * 60 minutes. Tableau's page says "per hour" without saying whether it counts clock hours; a rolling
 * window never lets more than `perHour` through in ANY 60 minutes, so it stays inside Tableau's
 * budget however Tableau counts, where a fixed window could let 2 × perHour through across an hour
 * boundary. Every VDS call counts (query-datasource and read-metadata): the page does not say
 * which calls count, and refusing early costs less than a site locked out for the hour.
 *
 * `MemoryVdsBudget` counts in this process (SQLite, one server); on PostgreSQL every instance
 * counts in one table (server/store/tableau-vds-budget.ts).
 */
import { TableauError } from './errors.js';

export const VDS_WINDOW_MS = 60 * 60 * 1000;

/**
 * A call let through, and where the site's window stands after it: `used` calls in the last hour
 * (this one included) and when the oldest of them leaves the window, so a pull can warn before the
 * budget runs out (server/pull/vds-limits.ts).
 */
export interface VdsBudgetUse {
  used: number;
  perHour: number;
  oldestFreesAt: Date;
}

export type BudgetAnswer = ({ ok: true } & VdsBudgetUse) | { ok: false; freesAt: Date };

export interface VdsBudget {
  readonly perHour: number;
  /**
   * Counts one call for `siteKey` if the budget allows it (and says how full the window is after
   * it); otherwise says when the next one may run.
   */
  take(siteKey: string): Promise<BudgetAnswer>;
}

export class MemoryVdsBudget implements VdsBudget {
  /** Times (ms) of the calls let through in the last hour, oldest first, per site. */
  private readonly calls = new Map<string, number[]>();

  constructor(
    readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {
    checkPerHour(perHour);
  }

  async take(siteKey: string): Promise<BudgetAnswer> {
    const now = this.now();
    const list = this.calls.get(siteKey) ?? [];
    while (list.length && list[0]! <= now - VDS_WINDOW_MS) list.shift();
    if (list.length >= this.perHour) {
      this.calls.set(siteKey, list);
      return { ok: false, freesAt: new Date(list[0]! + VDS_WINDOW_MS) };
    }
    list.push(now);
    this.calls.set(siteKey, list);
    return { ok: true, used: list.length, perHour: this.perHour, oldestFreesAt: new Date(list[0]! + VDS_WINDOW_MS) };
  }
}

export function checkPerHour(perHour: number): void {
  if (!Number.isInteger(perHour) || perHour < 1) throw new RangeError('A VDS budget must be a positive whole number of queries an hour');
}

/** The refusal: names our budget, Tableau's limit behind it, and when the next query may run. */
export function vdsBudgetSpent(perHour: number, freesAt: Date, now = Date.now()): TableauError {
  const minutes = Math.max(1, Math.ceil((freesAt.getTime() - now) / 60_000));
  const at = freesAt.toISOString().slice(11, 16);
  return new TableauError({
    code: 'vds-budget-spent',
    message:
      `The companion server did not send this query to Tableau: this site's budget of ${perHour} VizQL Data Service ` +
      `queries an hour (VDS_QUERIES_PER_HOUR_PER_SITE, set by the server's operator to stay within Tableau's limit of ` +
      `100 queries an hour per Creator licence) is used up. The next query can run at ${at} UTC, in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    hint: `Try again after ${at} UTC.`,
  });
}
