/**
 * Turns ajv errors into plain-words messages such as
 *   `query.fields[1].function ("Sales") must be one of SUM, AVG, … (got "SUMX")`.
 *
 * ajv reports every branch of a `oneOf` (a field may be a dimension, measure, calculation, bin or
 * table calculation) and the side effects of a failed discriminator branch, so most raw errors are
 * noise. Rules, in order:
 *  1. summary errors (`oneOf`, `if`, `const`) are dropped when anything more specific exists;
 *  2. at a `oneOf`, a missing property is reported only when EVERY branch misses it (e.g. fieldCaption);
 *  3. an unknown property is reported when the schema version defines no such property anywhere
 *     (e.g. `rowLimit` before 20261.0); a property known elsewhere is only reported when nothing more
 *     specific was found for that object (it is then really out of place).
 */
import type { ErrorObject } from 'ajv';

function segments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lookup(body: unknown, path: string[]): unknown {
  let node = body;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** "query.fields[1].function ("Sales")": dotted path plus the caption of the field it belongs to. */
function describePath(instancePath: string, body: unknown): string {
  const segs = segments(instancePath);
  if (segs.length === 0) return 'request body';
  let text = '';
  let caption: string | undefined;
  segs.forEach((seg, i) => {
    text += /^\d+$/.test(seg) ? `[${seg}]` : `${text ? '.' : ''}${seg}`;
    if (/^\d+$/.test(seg) && (segs[i - 1] === 'fields' || segs[i - 1] === 'filters')) {
      const item = lookup(body, segs.slice(0, i + 1)) as Record<string, unknown> | undefined;
      const named = segs[i - 1] === 'filters' ? (item?.field as Record<string, unknown> | undefined) : item;
      const c = named?.fieldCaption ?? named?.calculation;
      if (typeof c === 'string') caption = c;
    }
  });
  return caption === undefined ? text : `${text} ("${caption}")`;
}

/** The offending value as JSON, cut to 200 characters (a message never echoes a huge value). */
function preview(data: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    json = undefined;
  }
  if (json === undefined) return String(data);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

function message(e: ErrorObject, body: unknown, version: string): string {
  const at = describePath(e.instancePath, body);
  const got = preview(e.data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `${at} must be one of ${(p.allowedValues as unknown[]).join(', ')} (got ${got})`;
    case 'required':
      return `${at} is missing the required property "${String(p.missingProperty)}"`;
    case 'unevaluatedProperties':
    case 'additionalProperties':
      return `${at} has an unknown property "${propOf(e)}" (not allowed by VizQL Data Service schema ${version})`;
    case 'type':
      return `${at} must be ${p.type === 'integer' ? 'a whole number' : `of type ${String(p.type)}`} (got ${got})`;
    case 'format':
      return p.format === 'date'
        ? `${at} must be a date like 2024-01-31 (got ${got})`
        : `${at} must match format ${String(p.format)} (got ${got})`;
    case 'minimum':
      return `${at} must be at least ${String(p.limit)} (got ${got})`;
    case 'oneOf':
      return `${at} does not match any allowed shape (dimension, measure with "function", or "calculation")`;
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}

function isUnknownProp(e: ErrorObject): boolean {
  return e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties';
}

function propOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  return String(p.unevaluatedProperty ?? p.additionalProperty);
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/** `known`: every property name the schema version defines anywhere. */
export function describeErrors(errors: ErrorObject[], body: unknown, version: string, known: Set<string>): string[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const branchCount = (path: string): number | undefined => {
    const o = oneOfs.find((x) => x.instancePath === path);
    return Array.isArray(o?.schema) ? o.schema.length : undefined;
  };
  const count = (pred: (e: ErrorObject) => boolean): number => errors.filter(pred).length;
  const specific = errors.filter((e) => !['oneOf', 'if', 'const'].includes(e.keyword));

  const solid = specific.filter((e) => {
    if (isUnknownProp(e)) return false;
    const n = branchCount(e.instancePath);
    if (e.keyword !== 'required' || n === undefined) return true;
    const missing = (e.params as Record<string, unknown>).missingProperty;
    return (
      count(
        (x) =>
          x.keyword === 'required' &&
          x.instancePath === e.instancePath &&
          (x.params as Record<string, unknown>).missingProperty === missing,
      ) >= n
    );
  });
  const unknown = specific.filter((e) => isUnknownProp(e) && !known.has(propOf(e)));
  const misplaced = specific.filter(
    (e) => isUnknownProp(e) && known.has(propOf(e)) && ![...solid, ...unknown].some((x) => isUnder(x.instancePath, e.instancePath)),
  );
  const kept = [...solid, ...unknown, ...misplaced];
  const chosen = kept.length > 0 ? kept : errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'const');
  const texts = (chosen.length > 0 ? chosen : errors).map((e) => message(e, body, version));
  return [...new Set(texts)];
}
