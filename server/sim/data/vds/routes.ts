/**
 * VizQL Data Service endpoints: POST /api/v1/vizql-data-service/{read-metadata, query-datasource,
 * get-datasource-model (2025.3+), list-supported-functions (2026.1+)}. The schema version follows
 * host.productVersion(); a switched-off VDS answers plain 404 on every path (notes §5.1).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operationsOf, schemaVersionFor, validateVdsRequest, type VdsOperation } from '../../../vds/index.js';
import { getDataset } from '../catalog.js';
import type { SimDataHost } from '../host.js';
import { runQuery } from './engine.js';
import { VdsError, vdsErrorBody } from './errors.js';
import { resultStream, rowJson } from './json-stream.js';
import { getLimits, takeQuota } from './limits.js';
import { datasourceModel, readMetadata, supportedFunctions } from './metadata.js';
import type { VdsQueryBody } from './query-types.js';

const OPERATIONS: VdsOperation[] = ['read-metadata', 'query-datasource', 'get-datasource-model', 'list-supported-functions'];

interface RequestBody {
  datasource: { datasourceLuid: string };
  query?: VdsQueryBody;
  options?: { returnFormat?: 'OBJECTS' | 'ARRAYS'; disaggregate?: boolean; rowLimit?: number; interpretFieldCaptionsAsFieldNames?: boolean };
}

function sendError(reply: FastifyReply, e: VdsError): FastifyReply {
  return reply.code(e.httpStatus).header('content-type', 'application/json').send(vdsErrorBody(e.errorCode, e.message));
}

async function handle(host: SimDataHost, operation: VdsOperation, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const version = schemaVersionFor(host.productVersion());
  if (!host.vdsEnabled() || !operationsOf(version).includes(operation)) return reply.callNotFound();
  const principal = host.authenticate(request, reply);
  if (!principal) return reply;
  const checked = validateVdsRequest(version, operation, request.body);
  if (!checked.ok) return sendError(reply, new VdsError('400802', `The request is not valid for VizQL Data Service ${version}: ${checked.errors.join('; ')}`));
  const body = request.body as RequestBody;
  const source = host.findDatasource(principal.siteId, body.datasource.datasourceLuid);
  if (!source) return sendError(reply, new VdsError('404000', `Datasource not found: ${body.datasource.datasourceLuid}.`, 404));
  if (!source.apiAccess) return sendError(reply, new VdsError('403800', `You do not have API Access permission on the data source ${source.name}.`));
  const dataset = source.dataKey ? getDataset(source.dataKey) : undefined;
  if (!dataset) return sendError(reply, new VdsError('400803', `The data source ${source.name} can't be queried with VizQL Data Service.`));

  switch (operation) {
    case 'read-metadata': return readMetadata(dataset, version);
    case 'get-datasource-model': return datasourceModel(dataset);
    case 'list-supported-functions': return supportedFunctions();
    case 'query-datasource': {
      if (!takeQuota(principal.siteId)) return sendError(reply, new VdsError('429000', 'Too many requests: the VizQL Data Service query limit for this site was reached. Try again later.'));
      const options = body.options ?? {};
      const result = runQuery(dataset, body.query!, {
        disaggregate: options.disaggregate,
        rowLimit: options.rowLimit,
        captionsAreNames: options.interpretFieldCaptionsAsFieldNames,
      });
      const limits = getLimits();
      const format = options.returnFormat ?? 'OBJECTS';
      const sample = Math.min(result.rowCount, 50);
      let sampleBytes = 0;
      for (let k = 0; k < sample; k++) sampleBytes += rowJson(result, k, format).length + 1;
      const estimate = sample === 0 ? 0 : (sampleBytes / sample) * result.rowCount;
      if (result.rowCount > limits.maxRows || estimate > limits.maxBytes) {
        return sendError(reply, new VdsError('400804', `The response is too large (${result.rowCount} rows). Apply a filter to reduce the size of the result.`));
      }
      return reply.header('content-type', 'application/json').send(resultStream(result, format));
    }
  }
}

export function registerVdsRoutes(app: FastifyInstance, host: SimDataHost): void {
  for (const operation of OPERATIONS) {
    app.post(`/api/v1/vizql-data-service/${operation}`, async (request, reply) => {
      try {
        return await handle(host, operation, request, reply);
      } catch (e) {
        if (e instanceof VdsError) return sendError(reply, e);
        request.log.error({ err: e }, 'VDS simulator failure');
        return sendError(reply, new VdsError('500000', 'Internal error while running the query.'));
      }
    });
  }
}
