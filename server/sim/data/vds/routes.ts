/**
 * VizQL Data Service endpoints: POST /api/v1/vizql-data-service/{read-metadata, query-datasource,
 * get-datasource-model (2025.3+), list-supported-functions (2026.1+)}. The schema version follows
 * host.productVersion(). Errors (vds_error_codes.html) in the VDS shape, see errors.ts; the three 404s are
 * told apart the way a client must tell them apart:
 * - VDS switched off (Tableau Server without features.VizqlDataServiceDeployWithTSM): nothing at that
 *   address speaks VDS, the server answers its ordinary unknown-resource 404 in REST's shape (404003, as in
 *   test/fixtures/tableau-reference/tsc-assets/server_info_404.xml) — tableau-mcp vizqlDataServiceMethods.ts reads any such 404 as
 *   "feature-disabled";
 * - VDS on, endpoint newer than the server's VDS: 404950 "API endpoint not found" (vds_error_codes.html);
 * - VDS on, data source LUID unknown (deleted, replaced, or never on this site): a VDS 404 naming the
 *   data source. vds_error_codes.html documents no code for it; we send 404000, Tableau's 404xxx meaning
 *   "not found" (rest_api_concepts_errors.htm). The client keys on "VDS shape + 404", not on the digits.
 * Repeated identical queries are answered from a query cache, as Tableau does (result-cache.ts).
 */
import { Readable } from 'node:stream';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import {
  filterFieldsRelaxed,
  operationsOf,
  queryFilterProblems,
  schemaAtLeast,
  schemaVersionFor,
  validateVdsRequest,
  type VdsOperation,
} from '../../../vds/index.js';
import { dataStamp, getDataset } from '../catalog.js';
import type { SimDataHost } from '../host.js';
import { runQuery } from './engine.js';
import { VdsError, vdsErrorBody } from './errors.js';
import { resultChunks, type ResultEncoding, rowJson } from './json-stream.js';
import { getLimits, takeQuota } from './limits.js';
import { datasourceModel, readMetadata, supportedFunctions } from './metadata.js';
import type { VdsQueryBody } from './query-types.js';
import { remembered, ResultCache, resultCacheKey } from './result-cache.js';

const OPERATIONS: VdsOperation[] = ['read-metadata', 'query-datasource', 'get-datasource-model', 'list-supported-functions'];

interface RequestBody {
  datasource: { datasourceLuid: string };
  query?: VdsQueryBody;
  options?: {
    returnFormat?: 'OBJECTS' | 'ARRAYS';
    disaggregate?: boolean;
    rowLimit?: number;
    interpretFieldCaptionsAsFieldNames?: boolean;
    returnServerSentEvents?: boolean;
  };
}

/** `debug` details only when the request asked for them (options.debug, QueryOptions in the OpenAPI schema). */
function sendError(reply: FastifyReply, e: VdsError): FastifyReply {
  const body = vdsErrorBody(e.errorCode, e.message, wantsDebug(reply.request.body));
  return reply.code(e.httpStatus).header('content-type', 'application/json').send(body);
}

function wantsDebug(body: unknown): boolean {
  const options = body && typeof body === 'object' ? (body as { options?: { debug?: unknown } }).options : undefined;
  return options?.debug === true;
}

async function handle(
  host: SimDataHost,
  cache: ResultCache,
  operation: VdsOperation,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const version = schemaVersionFor(host.productVersion());
  if (!host.vdsEnabled()) return reply.callNotFound();
  const principal = host.authenticate(request, reply, 'vds');
  if (!principal) return reply;
  if (!operationsOf(version).includes(operation)) {
    return sendError(
      reply,
      new VdsError('404950', `The request endpoint doesn't exist: /${operation} is not part of VizQL Data Service ${version}.`),
    );
  }
  const checked = validateVdsRequest(version, operation, request.body);
  if (!checked.ok)
    return sendError(
      reply,
      new VdsError('400802', `The request is not valid for VizQL Data Service ${version}: ${checked.errors.join('; ')}`),
    );
  const body = request.body as RequestBody;
  const source = host.findDatasource(principal.siteId, body.datasource.datasourceLuid);
  if (!source) return sendError(reply, new VdsError('404000', `Datasource not found: ${body.datasource.datasourceLuid}.`, 404));
  if (!source.apiAccess)
    return sendError(reply, new VdsError('403800', `You do not have API Access permission on the data source ${source.name}.`));
  const dataset = source.dataKey ? getDataset(source.dataKey) : undefined;
  if (!dataset) return sendError(reply, new VdsError('400803', `The data source ${source.name} can't be queried with VizQL Data Service.`));

  switch (operation) {
    case 'read-metadata':
      return readMetadata(dataset, version);
    case 'get-datasource-model':
      return datasourceModel(dataset);
    case 'list-supported-functions':
      return supportedFunctions();
    case 'query-datasource': {
      if (!takeQuota(principal.siteId))
        return sendError(
          reply,
          new VdsError('429000', 'Too many requests: the VizQL Data Service query limit for this site was reached. Try again later.'),
        );
      const options = body.options ?? {};
      const format = options.returnFormat ?? 'OBJECTS';
      // 2026.1 "streams results … instead of waiting for the full query to complete and assembling the
      // entire response first", with no 1 GB cap; SSE on request (vds_create_queries.html "Results
      // handling and error checking", "Server-sent event support"). Older servers assemble, then send.
      const streams = schemaAtLeast(version, '20261.0');
      const encoding: ResultEncoding = options.returnServerSentEvents === true ? 'sse' : 'json';
      const queryOptions = {
        disaggregate: options.disaggregate,
        rowLimit: options.rowLimit,
        captionsAreNames: options.interpretFieldCaptionsAsFieldNames,
        relaxedFilterFields: filterFieldsRelaxed(version),
      };
      // Checked before the cache: an answer cached on 2026.1 must not serve a query 2025.3 refuses.
      const problems = queryFilterProblems(body, version);
      if (problems.length) return sendError(reply, new VdsError('400803', problems[0]));
      const fault = request.simFaults?.vdsStream;
      // Before 2026.1 nothing is sent until the query is done, so a failure is an ordinary error answer.
      if (fault?.kind === 'error' && !streams)
        return sendError(reply, new VdsError(fault.errorCode, 'Internal error while running the query.'));
      const contentType = encoding === 'sse' ? 'text/event-stream' : 'application/json';
      const stamp = dataStamp(source.dataKey!)!;
      const normalized = resultCacheKey({ query: body.query!, returnFormat: format, ...queryOptions });
      // A faulty answer is neither served from nor kept in the cache.
      const key = normalized && !fault ? `${source.id}|${encoding}|${normalized}` : undefined;
      const cached = key ? cache.get(key, source.id, stamp) : undefined;
      if (cached) {
        const tooLarge = checkSize(cached.rowCount, cached.estimate, !streams);
        if (tooLarge) return sendError(reply, tooLarge);
        return reply.header('content-type', contentType).send(Readable.from(cached.chunks));
      }
      const result = runQuery(dataset, body.query!, queryOptions);
      const sample = Math.min(result.rowCount, 50);
      let sampleBytes = 0;
      for (let k = 0; k < sample; k++) sampleBytes += rowJson(result, k, format).length + 1;
      const estimate = sample === 0 ? 0 : (sampleBytes / sample) * result.rowCount;
      const tooLarge = checkSize(result.rowCount, estimate, !streams);
      if (tooLarge) return sendError(reply, tooLarge);
      const chunks = resultChunks(result, format, encoding, fault);
      const sent = key
        ? remembered(chunks, cache.maxBytes, (kept, bytes) =>
            cache.set(key, source.id, stamp, { chunks: kept, bytes, rowCount: result.rowCount, estimate }),
          )
        : chunks;
      return reply.header('content-type', contentType).send(Readable.from(streams ? sent : [...sent]));
    }
  }
}

/** The simulator's row cap (a test control), and before 2026.1 the documented 1 GB per response (vds_limitations.html). */
function checkSize(rowCount: number, estimate: number, bytesCapped: boolean): VdsError | undefined {
  const limits = getLimits();
  if (rowCount <= limits.maxRows && (!bytesCapped || estimate <= limits.maxBytes)) return undefined;
  return new VdsError('400804', `The response is too large (${rowCount} rows). Apply a filter to reduce the size of the result.`);
}

export function registerVdsRoutes(app: FastifyInstance, host: SimDataHost): void {
  const cache = new ResultCache();
  for (const operation of OPERATIONS) {
    app.post(`/api/v1/vizql-data-service/${operation}`, async (request, reply) => {
      try {
        return await handle(host, cache, operation, request, reply);
      } catch (e) {
        if (e instanceof VdsError) return sendError(reply, e);
        request.log.error({ err: e }, 'VDS simulator failure');
        return sendError(reply, new VdsError('500000', 'Internal error while running the query.'));
      }
    });
  }
}
