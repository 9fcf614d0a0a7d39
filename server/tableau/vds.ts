/**
 * VizQL Data Service: POST {server}/api/v1/vizql-data-service/{read-metadata,query-datasource}
 * with X-Tableau-Auth (docs/tableau-rest.md#endpoints-and-versions). Queries are checked against the OpenAPI schema of the server's
 * VDS version BEFORE anything is sent: each VDS call costs quota (100 queries/hour per Creator,
 * vds_limitations.html), and an invalid one would be rejected anyway. A valid one is counted against
 * the operator's budget (vds-budget.ts) just before it is sent.
 */
import type { Readable } from 'node:stream';

import { queryFilterProblems } from '../vds/filter-rules.js';
import { validateVdsRequest } from '../vds/validate.js';
import type { AuthedTransport } from './authed.js';
import { parseJson } from './authed.js';
import { TableauError } from './errors.js';
import type { VdsSchemaVersion } from './features.js';
import { type VdsMetadata, vdsMetadataSchema } from './schemas/vdsMetadata.js';
import type { VdsBudgetUse } from './vds-budget.js';

/** query-datasource's bytes, and the site's budget after this query (undefined: no budget set). */
export type VdsAnswer = Readable & { budget?: VdsBudgetUse };

export interface VdsContext {
  t: AuthedTransport;
  /** Counts the call against the site's VDS budget right before it is sent; throws when spent. */
  takeCall: () => Promise<VdsBudgetUse | undefined>;
  baseUrl: string;
  /** undefined = the server predates VDS (< 2025.1). */
  schemaVersion: VdsSchemaVersion | undefined;
  capabilities: VdsMetadata['capabilities'];
}

const vdsUrl = (baseUrl: string, op: string): string => `${baseUrl}/api/v1/vizql-data-service/${op}`;

function requireVds(ctx: VdsContext): VdsSchemaVersion {
  if (!ctx.schemaVersion) {
    throw new TableauError({
      code: 'feature-unavailable',
      message: 'VizQL Data Service needs Tableau Server 2025.1 or later (or Tableau Cloud).',
    });
  }
  return ctx.schemaVersion;
}

function check(schemaVersion: VdsSchemaVersion, op: 'read-metadata' | 'query-datasource', body: unknown): void {
  const v = validateVdsRequest(schemaVersion, op, body);
  // Functions and calculations in set, match and date filters: a rule of the server's version that
  // the schemas do not state (server/vds/filter-rules.ts).
  const errors = v.ok ? (op === 'query-datasource' ? queryFilterProblems(body, schemaVersion) : []) : v.errors;
  if (errors.length) {
    throw new TableauError({
      code: 'vds-invalid-query',
      message: `The query is not valid for this server's VizQL Data Service (${schemaVersion}): ${errors.slice(0, 5).join('; ')}`,
      ...(v.ok ? { hint: 'Tableau 2026.1 and later take functions and calculations in these filters.' } : {}),
      httpStatus: 400,
    });
  }
}

export async function readMetadata(ctx: VdsContext, datasourceLuid: string): Promise<VdsMetadata> {
  const version = requireVds(ctx);
  const body = { datasource: { datasourceLuid } };
  check(version, 'read-metadata', body);
  await ctx.takeCall();
  const res = await ctx.t.send({ method: 'POST', url: vdsUrl(ctx.baseUrl, 'read-metadata'), data: body }, 'vds');
  const parsed = parseJson(res, vdsMetadataSchema);
  if (parsed.dropped)
    ctx.t.logger.warn({ datasourceLuid, dropped: parsed.dropped }, 'VDS metadata entries failed validation and were skipped');
  return { fields: parsed.fields, parameters: parsed.parameters, capabilities: ctx.capabilities };
}

/**
 * `options.rowLimit` is rejected by servers before 2026.1 (tableau-mcp#215). We do not strip it
 * silently: the caller checks `supports('vdsRowLimit')` and limits rows itself otherwise.
 */
function checkQueryFeatures(ctx: VdsContext, body: unknown): void {
  const options = (body as { options?: { rowLimit?: unknown } } | null)?.options;
  if (options?.rowLimit !== undefined && !ctx.capabilities.rowLimit) {
    throw new TableauError({
      code: 'feature-unavailable',
      message: "This server's VizQL Data Service does not support a row limit (Tableau 2026.1 or later is needed).",
      hint: 'Leave the row limit out; the rows are cut after they arrive instead.',
    });
  }
}

/** Validated query; the answer's JSON bytes are streamed as they come (server/pull parses them). */
export async function openQuery(ctx: VdsContext, body: unknown): Promise<{ stream: Readable; budget?: VdsBudgetUse }> {
  const version = requireVds(ctx);
  checkQueryFeatures(ctx, body);
  check(version, 'query-datasource', body);
  const budget = await ctx.takeCall();
  const res = await ctx.t.send({ method: 'POST', url: vdsUrl(ctx.baseUrl, 'query-datasource'), data: body, stream: true }, 'vds');
  return budget ? { stream: res.stream!, budget } : { stream: res.stream! };
}
