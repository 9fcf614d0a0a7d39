/**
 * POST /api/metadata/graphql — Tableau's Metadata API (https://help.tableau.com/current/api/metadata_api/en-us/index.html):
 * a GraphQL body `{query, variables?, operationName?}` with the REST API's X-Tableau-Auth token
 * ("The Metadata API uses the same authentication process and token as the Tableau REST API",
 * https://help.tableau.com/current/api/metadata_api/en-us/docs/meta_api_start.html). The answer is a GraphQL
 * result at HTTP 200, errors included: switched off, it is a FEATURE_DISABLED error in `errors`
 * (meta_api_errors.html), not a 404 — clients must read the body, not the status.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { requireSession } from '../routes/common.js';
import { featureDisabledAnswer, runMetadataQuery } from './execute.js';

const bodySchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

export function metadataRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/api/metadata/graphql', async (request, reply) => {
    const session = requireSession(ctx, request);
    if (!ctx.metadataEnabled) return reply.code(200).send(featureDisabledAnswer());
    const body = bodySchema.safeParse(request.body);
    // A body that is no GraphQL request at all: 400 with a GraphQL error, as GraphQL over HTTP answers
    // (https://graphql.github.io/graphql-over-http/draft/#sec-application-json).
    if (!body.success)
      return reply
        .code(400)
        .send({ data: null, errors: [{ message: 'The request body must be JSON with a "query" string.', path: null, extensions: null }] });
    const site = ctx.state.site(session.siteId);
    if (!site) throw errors.invalidCredentials();
    const { query, variables, operationName } = body.data;
    return reply
      .code(200)
      .send(
        runMetadataQuery(
          site,
          { query, variables: variables ?? undefined, operationName: operationName ?? undefined },
          ctx.metadataNodeLimit,
        ),
      );
  });
}
