/**
 * Validates VizQL Data Service request bodies against Tableau's official OpenAPI schema of one version
 * (copied into ./schemas from tableau/VizQL-Data-Service, one file per release branch).
 * Used by the Tableau client before sending, and by the simulator to answer like the real service.
 */
import { readFileSync } from 'node:fs';

import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

import { describeErrors } from './messages.js';
import { openApiToJsonSchemaDefs } from './openapi.js';
import type { VdsOperation, VdsSchemaVersion } from './version.js';

export type VdsValidation = { ok: true } | { ok: false; errors: string[] };

interface OpenApiDoc {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components: { schemas: Record<string, unknown> };
}

const compiled = new Map<string, ValidateFunction>();
const docs = new Map<VdsSchemaVersion, OpenApiDoc>();
const propertyNames = new Map<VdsSchemaVersion, Set<string>>();

/** Every property name a schema version defines anywhere (to tell "unknown" from "misplaced"). */
function knownProperties(version: VdsSchemaVersion): Set<string> {
  let names = propertyNames.get(version);
  if (!names) {
    const found = new Set<string>();
    const visit = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(visit);
      const obj = node as Record<string, unknown>;
      if (obj.properties && typeof obj.properties === 'object') Object.keys(obj.properties).forEach((k) => found.add(k));
      Object.values(obj).forEach(visit);
    };
    visit(loadDoc(version).components.schemas);
    names = found;
    propertyNames.set(version, names);
  }
  return names;
}

function loadDoc(version: VdsSchemaVersion): OpenApiDoc {
  let doc = docs.get(version);
  if (!doc) {
    doc = JSON.parse(readFileSync(new URL(`./schemas/vds-${version}.json`, import.meta.url), 'utf8')) as OpenApiDoc;
    docs.set(version, doc);
  }
  return doc;
}

function newAjv(): Ajv2019 {
  // strict: false because the converted OpenAPI still carries descriptions with `default`s on
  // properties ajv's strict mode would flag; the checks themselves are full JSON Schema.
  const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true });
  (addFormats as unknown as (a: Ajv2019) => void)(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  return ajv;
}

/** Name of the request schema of an operation, read from the document's `paths`. */
function requestSchemaName(doc: OpenApiDoc, operation: VdsOperation): string | undefined {
  const ref = doc.paths[`/${operation}`]?.post?.requestBody?.content?.['application/json']?.schema?.$ref;
  return ref?.split('/').pop();
}

function validatorFor(version: VdsSchemaVersion, operation: VdsOperation): ValidateFunction | undefined {
  const key = `${version} ${operation}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const doc = loadDoc(version);
  const name = requestSchemaName(doc, operation);
  if (!name) return undefined;
  const validate = newAjv().compile({ $defs: openApiToJsonSchemaDefs(doc), $ref: `#/$defs/${name}` });
  compiled.set(key, validate);
  return validate;
}

/** Checks a request body for `operation` against the VDS schema `schemaVersion`. Compiles lazily, caches. */
export function validateVdsRequest(schemaVersion: VdsSchemaVersion, operation: VdsOperation, body: unknown): VdsValidation {
  const validate = validatorFor(schemaVersion, operation);
  if (!validate) {
    return { ok: false, errors: [`${operation} is not available in VizQL Data Service schema ${schemaVersion}`] };
  }
  if (validate(body)) return { ok: true };
  return { ok: false, errors: describeErrors(validate.errors ?? [], body, schemaVersion, knownProperties(schemaVersion)) };
}
