/**
 * Turns the `components.schemas` of a VDS OpenAPI 3.0 document into plain JSON Schema (draft 2019-09)
 * that ajv can compile. OpenAPI 3.0 is not JSON Schema; the differences handled here:
 *
 * - `$ref: '#/components/schemas/X'` → `#/$defs/X`.
 * - `nullable: true` → `type: [t, 'null']` (and `null` added to an `enum`); without `type` it is dropped
 *   (anything, null included, is already allowed).
 * - `discriminator` (polymorphism by inheritance: `Filter` names `SetFilter`, which is `allOf: [Filter]`):
 *   a reference to `Filter` becomes "Filter's own rules + the mapped subtype's rules", chosen by
 *   `filterType`; references from inside `allOf` point to `Filter__base` (no dispatch, no recursion).
 * - Unknown properties: Tableau's server rejects any property its schema version does not define
 *   (tableau/tableau-mcp#215: `rowLimit` "can't be included until 2026.1 … otherwise it will reject the
 *   request", although `QueryDatasourceOptions` has no `additionalProperties: false`). So every object
 *   schema is closed with `unevaluatedProperties: false`, which — unlike `additionalProperties` — also
 *   sees properties declared in `allOf` parents (e.g. `CustomTableCalcSpecification` closes itself with
 *   `additionalProperties: false` but inherits `tableCalcType` from its parent).
 * - `required: ["howMany, fieldToMeasure"]` (one comma-joined string in TopNFilter of 20251.0/20252.0,
 *   a schema typo) is split into two names.
 * - OpenAPI-only keywords (`x-*`, `example`, `xml`, `externalDocs`, `readOnly`, `writeOnly`,
 *   `deprecated`) are removed.
 */

type Json = unknown;
type Obj = Record<string, Json>;

const REF_PREFIX = '#/components/schemas/';
const DROPPED = new Set(['example', 'xml', 'externalDocs', 'readOnly', 'writeOnly', 'deprecated', 'discriminator']);

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`Unsupported $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** Names of schemas used as `allOf` parents anywhere. */
function collectBases(node: Json, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => collectBases(n, out));
  else if (isObj(node)) {
    if (Array.isArray(node.allOf)) {
      for (const part of node.allOf) if (isObj(part) && typeof part.$ref === 'string') out.add(refName(part.$ref));
    }
    Object.values(node).forEach((v) => collectBases(v, out));
  }
  return out;
}

function isObjectSchema(s: Obj): boolean {
  return s.type === 'object' || isObj(s.properties) || Array.isArray(s.allOf);
}

function convert(node: Json, bases: Set<string>, inAllOf = false): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n, bases, inAllOf));
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || DROPPED.has(key) || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = refName(value);
      out.$ref = `#/$defs/${inAllOf && bases.has(name) ? `${name}__base` : name}`;
    } else if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = value.map((v) => convert(v, bases, true));
    } else if (key === 'required' && Array.isArray(value)) {
      out.required = value.flatMap((r) =>
        String(r)
          .split(',')
          .map((s) => s.trim()),
      );
    } else if (key === 'properties' && isObj(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, bases)]));
    } else {
      out[key] = convert(value, bases);
    }
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (Array.isArray(out.allOf) && out.additionalProperties === false) {
    delete out.additionalProperties;
    out.unevaluatedProperties = false;
  }
  return out;
}

function close(schema: Obj): Obj {
  if (isObjectSchema(schema) && schema.additionalProperties === undefined && schema.unevaluatedProperties === undefined) {
    return { ...schema, unevaluatedProperties: false };
  }
  return schema;
}

/** Dispatch on the discriminator property: base rules plus the mapped subtype's rules. */
function dispatcher(name: string, discriminator: Obj): Obj {
  const prop = String(discriminator.propertyName);
  const mapping = isObj(discriminator.mapping) ? discriminator.mapping : {};
  return {
    allOf: [
      { $ref: `#/$defs/${name}__base` },
      ...Object.entries(mapping).map(([value, ref]) => ({
        if: { properties: { [prop]: { const: value } }, required: [prop] },
        then: { $ref: `#/$defs/${refName(String(ref))}` },
      })),
    ],
    unevaluatedProperties: false,
  };
}

/** JSON Schema `$defs` for all component schemas of an OpenAPI 3.0 document. */
export function openApiToJsonSchemaDefs(doc: { components: { schemas: Record<string, Json> } }): Record<string, Json> {
  const source = doc.components.schemas;
  const bases = collectBases(source, new Set());
  const defs: Record<string, Json> = {};
  for (const [name, raw] of Object.entries(source)) {
    const converted = convert(raw, bases) as Obj;
    if (bases.has(name)) {
      defs[`${name}__base`] = converted;
      defs[name] =
        isObj(raw) && isObj(raw.discriminator)
          ? dispatcher(name, raw.discriminator)
          : { allOf: [{ $ref: `#/$defs/${name}__base` }], unevaluatedProperties: false };
    } else {
      defs[name] = close(converted);
    }
  }
  return defs;
}
