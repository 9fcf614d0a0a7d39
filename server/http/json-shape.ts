/**
 * A linear scan of a JSON body's text, before JSON.parse, for the shape limits in limits.ts:
 * nesting depth, string length, items per array / members per object. No recursion and no
 * allocation per value, so a 1 MB body of `[` costs one pass and a small refusal, never a stack
 * overflow later in code that walks the parsed value (JSON.stringify, validators, the database).
 *
 * It does not validate JSON (JSON.parse does that next); on malformed text it still terminates and
 * its counts are only approximate, which is fine: such a body is refused either way.
 */
import { formatCount, LIMITS } from './limits.js';

export interface JsonShapeLimits {
  maxDepth: number;
  maxStringChars: number;
  maxContainerItems: number;
}

const BODY_SHAPE_LIMITS: JsonShapeLimits = {
  maxDepth: LIMITS.jsonDepth,
  maxStringChars: LIMITS.jsonStringChars,
  maxContainerItems: LIMITS.jsonContainerItems,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/** The first limit `text` breaks, in plain words naming the limit, or undefined. */
export function jsonShapeProblem(text: string, limits: JsonShapeLimits = BODY_SHAPE_LIMITS): string | undefined {
  let depth = 0;
  let maxDepth = 0;
  // Per open container within the depth limit (so these stay small): its bracket and commas seen.
  const opener: number[] = [];
  const commas: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      for (i = start; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
      const length = Math.min(i, text.length) - start;
      if (length > limits.maxStringChars) {
        return `A string in the request body is ${formatCount(length)} characters long; the limit is ${formatCount(limits.maxStringChars)}.`;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      if (depth <= limits.maxDepth) {
        opener.push(c);
        commas.push(0);
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0 && depth <= limits.maxDepth) {
        opener.pop();
        commas.pop();
      }
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0 && depth <= limits.maxDepth && maxDepth <= limits.maxDepth) {
      const items = ++commas[depth - 1]! + 1;
      if (items > limits.maxContainerItems) {
        const [container, things] = opener[depth - 1] === OPEN_ARRAY ? ['An array', 'items'] : ['An object', 'members'];
        return `${container} in the request body has more than ${formatCount(limits.maxContainerItems)} ${things}; the limit is ${formatCount(limits.maxContainerItems)}.`;
      }
    }
  }
  if (maxDepth > limits.maxDepth) {
    return `The request body is nested ${formatCount(maxDepth)} levels deep; the limit is ${formatCount(limits.maxDepth)}.`;
  }
  return undefined;
}
