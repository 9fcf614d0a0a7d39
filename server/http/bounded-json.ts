/**
 * zod schemas for the parts of a request the API passes on without knowing their shape (VDS
 * filter values, parameter values, properties of a newer VDS schema version): any JSON value, but
 * bounded in depth, string length and items per container, checked by an iterative walk (no
 * recursion, so no stack to overflow whatever reaches it).
 */
import { z } from 'zod';

import { formatCount } from './limits.js';

export interface JsonValueLimits {
  maxDepth: number;
  maxStringChars: number;
  maxItems: number;
}

/** The first limit `value` breaks, in plain words, or undefined. Depth counts containers: 1 is 0 deep, [1] is 1, [[1]] is 2. */
export function jsonValueProblem(value: unknown, limits: JsonValueLimits): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringChars) {
        return `a text of ${formatCount(v.length)} characters; the limit is ${formatCount(limits.maxStringChars)}`;
      }
    } else if (v !== null && typeof v === 'object') {
      if (depth + 1 > limits.maxDepth)
        return `nested more than ${formatCount(limits.maxDepth)} levels deep; the limit is ${formatCount(limits.maxDepth)}`;
      const items = Array.isArray(v) ? (v as unknown[]) : Object.values(v as Record<string, unknown>);
      if (items.length > limits.maxItems) {
        return `a list of ${formatCount(items.length)} ${Array.isArray(v) ? 'items' : 'members'}; the limit is ${formatCount(limits.maxItems)}`;
      }
      if (!Array.isArray(v)) {
        const long = Object.keys(v).find((key) => key.length > limits.maxStringChars);
        if (long !== undefined)
          return `a property name of ${formatCount(long.length)} characters; the limit is ${formatCount(limits.maxStringChars)}`;
      }
      for (const item of items) stack.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** Any JSON value within `limits`; `what` names it in the message ("A filter value"). */
export function boundedJson(limits: JsonValueLimits, what = 'This value') {
  return z.unknown().superRefine((value, ctx) => {
    const problem = jsonValueProblem(value, limits);
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} is ${problem}.` });
  });
}
