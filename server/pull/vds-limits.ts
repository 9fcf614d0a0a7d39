/**
 * VizQL Data Service's documented limits, told in a pull's `end` warnings (shown in the preview,
 * after an insert and in a refresh's status) BEFORE the user runs into them
 * (https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_limitations.html):
 *
 * - the queries-an-hour budget: once a query leaves the site at 80% or more of the operator's budget
 *   (VDS_QUERIES_PER_HOUR_PER_SITE, server/tableau/vds-budget.ts), the pull says how much is left and
 *   when the oldest query leaves the rolling hour. No budget set: we know nothing, we say nothing.
 * - 1 GB per answer before 2026.1: the answer's bytes are counted as they are read; past
 *   `nearCapBytes` the pull says Tableau will cut a larger one. Only bytes actually read are counted:
 *   a preview on these servers stops reading at its row limit and has no row count of the whole
 *   result (the count comes with Server-Sent Events, 2026.1+, where there is no cap), so it cannot
 *   honestly foresee the size of an insert and says nothing.
 */
import type { StreamMessage } from '../../common/stream.js';
import type { VdsBudgetUse } from '../tableau/index.js';

/** Warn once the window holds this share of the budget: a few pulls left, not a surprise 429. */
const NEAR_BUDGET = 0.8;

/** Tableau's cap: "1 GB" read as 10^9 bytes, the smaller reading, so the warning is never late. */
const ANSWER_CAP_BYTES = 1_000_000_000;
/** 80% of the cap: room for the next, slightly larger answer (more rows since the last refresh). */
export const NEAR_CAP_BYTES = 800_000_000;

const utcTime = (d: Date) => d.toISOString().slice(11, 16);

export function budgetWarning(budget: VdsBudgetUse | undefined): string | undefined {
  if (!budget || budget.used < NEAR_BUDGET * budget.perHour) return undefined;
  const { used, perHour } = budget;
  const frees = `until the oldest is an hour old (about ${utcTime(budget.oldestFreesAt)} UTC)`;
  const next =
    used >= perHour
      ? `the companion server sends no more queries for this site ${frees}`
      : `at ${perHour} the companion server stops sending queries ${frees}`;
  return `This site has used ${used} of its ${perHour} VizQL Data Service queries for this hour (VDS_QUERIES_PER_HOUR_PER_SITE); ${next}.`;
}

function answerSizeWarning(bytes: number): string {
  const mb = Math.round(bytes / 1_000_000).toLocaleString('en-US');
  return (
    `This answer was ${mb} MB. Before version 2026.1, Tableau cuts a VizQL Data Service answer at ` +
    `${ANSWER_CAP_BYTES / 1_000_000_000} GB and the pull fails: add a filter or take fewer fields to keep the next one smaller.`
  );
}

/** The answer's bytes, passed through unchanged and counted as they are read. */
function countBytes<T extends Uint8Array | string>(body: AsyncIterable<T>): { body: AsyncIterable<T>; bytes: () => number } {
  let bytes = 0;
  async function* counted(): AsyncGenerator<T> {
    for await (const chunk of body) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      yield chunk;
    }
  }
  return { body: counted(), bytes: () => bytes };
}

/** Adds `warnings()` (asked when the end arrives, so it sees everything read) to the stream's end. */
async function* withEndWarnings(messages: AsyncIterable<StreamMessage>, warnings: () => string[]): AsyncGenerator<StreamMessage> {
  for await (const m of messages) {
    if (m.kind !== 'end') {
      yield m;
      continue;
    }
    const found = warnings();
    yield found.length ? { ...m, warnings: [...(m.warnings ?? []), ...found] } : m;
  }
}

interface VdsLimitsOptions {
  budget?: VdsBudgetUse;
  /** undefined: the server streams answers without a cap (2026.1+), nothing to count. */
  nearCapBytes?: number;
}

/**
 * The typed stream of one VDS answer with the limits' warnings at its end. `type` reads the (counted)
 * body: vdsToTyped or vdsSseToTyped.
 */
export function withVdsLimits(
  body: AsyncIterable<Uint8Array | string>,
  type: (body: AsyncIterable<Uint8Array | string>) => AsyncIterable<StreamMessage>,
  opts: VdsLimitsOptions,
): AsyncIterable<StreamMessage> {
  const counted = opts.nearCapBytes === undefined ? undefined : countBytes(body);
  return withEndWarnings(type(counted?.body ?? body), () => {
    const found: string[] = [];
    const budget = budgetWarning(opts.budget);
    if (budget) found.push(budget);
    if (counted && counted.bytes() >= opts.nearCapBytes!) found.push(answerSizeWarning(counted.bytes()));
    return found;
  });
}
