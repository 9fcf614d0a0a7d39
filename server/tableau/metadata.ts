/**
 * Tableau's Metadata API: POST {server}/api/metadata/graphql with the REST token (X-Tableau-Auth),
 * a GraphQL body `{query, variables}` (https://help.tableau.com/current/api/metadata_api/en-us/index.html;
 * tableau/server-client-python metadata_endpoint.py, tableau/tableau-mcp metadataApi.ts). Tableau
 * answers HTTP 200 even for failures: what went wrong is in the body's `errors`
 * (https://help.tableau.com/current/api/metadata_api/en-us/docs/meta_api_errors.html), so the body is read:
 * - FEATURE_DISABLED (the Metadata API is not turned on: Tableau Server ships it off) → 'metadata-disabled';
 * - ACCESS_DENIED → 'forbidden';
 * - other errors without data (a query Tableau rejected) → 'server-error' with Tableau's words;
 * - errors next to data are warnings (NODE_LIMIT_EXCEEDED, MAX_PAGE_SIZE_EXCEEDED, the time limit's
 *   "Reached time limit of PT5S", https://github.com/tableau/server-client-python/blob/master/test/assets/metadata_query_error.json):
 *   the data is kept and marked `partial`.
 * docs/metadata-api.md has the facts and what is unverified.
 */
import type { z } from 'zod';

import type { AuthedTransport } from './authed.js';
import { parseJson } from './authed.js';
import { TableauError } from './errors.js';
import { graphqlEnvelopeSchema } from './schemas/metadata.js';

export interface MetadataContext {
  t: AuthedTransport;
  baseUrl: string;
  /** False on servers older than the Metadata API's endpoint (REST 3.5, Tableau Server 2019.3). */
  available: boolean;
}

export interface MetadataResult<T> {
  data: T;
  /** Tableau added warnings: lists may be incomplete. */
  partial: boolean;
}

const DISABLED_WORDS = /metadata api has not been enabled|metadata-services enable/i;

const METADATA_DISABLED_HINT =
  'A Tableau Server administrator can turn it on ("tsm maintenance metadata-services enable"); on Tableau Cloud it comes with Data Management. Everything else keeps working without it.';

function metadataDisabled(): TableauError {
  return new TableauError({
    code: 'metadata-disabled',
    message: "Tableau's Metadata API is turned off on this server, so field descriptions and lineage are not available.",
    hint: METADATA_DISABLED_HINT,
    tableauCode: 'FEATURE_DISABLED',
  });
}

/** Tableau's text, bounded: it never holds request data, and a page of it helps nobody. */
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export async function metadataQuery<S extends z.ZodType>(
  ctx: MetadataContext,
  query: string,
  variables: Record<string, unknown>,
  dataSchema: S,
): Promise<MetadataResult<z.infer<S>>> {
  if (!ctx.available) {
    throw new TableauError({
      code: 'feature-unavailable',
      message: 'This Tableau server has no Metadata API (it needs Tableau Server 2019.3 or later, or Tableau Cloud).',
    });
  }
  let res;
  try {
    res = await ctx.t.send({
      method: 'POST',
      url: `${ctx.baseUrl}/api/metadata/graphql`,
      data: { query, variables },
    });
  } catch (e) {
    // A server where nothing answers at that path has no Metadata API to turn on.
    if (e instanceof TableauError && e.httpStatus === 404) {
      throw new TableauError({
        code: 'feature-unavailable',
        message: 'This Tableau server has no Metadata API at /api/metadata/graphql.',
        httpStatus: 404,
      });
    }
    throw e;
  }
  const envelope = parseJson(res, graphqlEnvelopeSchema);
  const errors = envelope.errors ?? [];
  const codes = errors.map((e) => e.extensions?.code ?? '');
  if (codes.includes('FEATURE_DISABLED') || errors.some((e) => DISABLED_WORDS.test(e.message ?? ''))) throw metadataDisabled();
  if (codes.includes('ACCESS_DENIED')) {
    throw new TableauError({
      code: 'forbidden',
      message: 'You are not allowed to use the Metadata API on this Tableau site.',
      hint: 'Ask a Tableau site administrator.',
      tableauCode: 'ACCESS_DENIED',
    });
  }
  const hardErrors = errors.filter((e) => e.extensions?.severity !== 'WARNING');
  if (envelope.data === null || envelope.data === undefined || (hardErrors.length && codes.includes('INVALID_ARGUMENT'))) {
    const first = errors[0];
    throw new TableauError({
      code: 'server-error',
      message: `Tableau's Metadata API could not answer${first?.message ? `: ${clip(first.message)}` : '.'}`,
      hint: 'This is a fault in the companion server or Tableau, not in your data: report it with the server log.',
      ...(first?.extensions?.code ? { tableauCode: first.extensions.code } : {}),
    });
  }
  const data = dataSchema.safeParse(envelope.data);
  if (!data.success) {
    throw new TableauError({
      code: 'invalid-response',
      message: "Tableau's Metadata API answer had an unexpected shape.",
      httpStatus: res.status,
    });
  }
  if (errors.length)
    ctx.t.logger.warn({ codes, count: errors.length }, 'tableau metadata api answered with warnings; results may be partial');
  return { data: data.data, partial: errors.length > 0 };
}
