/** The body scan before JSON.parse (json-shape.ts) and the bounded-JSON schema (bounded-json.ts). */
import { boundedJson, jsonValueProblem } from '../../../server/http/bounded-json.js';
import { jsonShapeProblem } from '../../../server/http/json-shape.js';

const limits = { maxDepth: 3, maxStringChars: 5, maxContainerItems: 3 };

describe('jsonShapeProblem', () => {
  it('measures nesting depth over the whole body and names the limit', () => {
    expect(jsonShapeProblem('[[[1]]]', limits)).toBeUndefined();
    expect(jsonShapeProblem('{"a":[{"b":1}]}', limits)).toBeUndefined();
    expect(jsonShapeProblem('[[[[1]]]]', limits)).toBe('The request body is nested 4 levels deep; the limit is 3.');
    expect(jsonShapeProblem(`{"a":[${'['.repeat(100_000)}`, limits)).toBe(
      'The request body is nested 100,002 levels deep; the limit is 3.',
    );
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    const roomy = { ...limits, maxStringChars: 100 };
    expect(jsonShapeProblem('["[[[[", "{{,,"]', roomy)).toBeUndefined();
    expect(jsonShapeProblem('["\\"[[[["]', roomy)).toBeUndefined();
    expect(jsonShapeProblem('["a\\\\", [[[1]]]]', roomy)).toBe('The request body is nested 4 levels deep; the limit is 3.');
  });

  it('measures each string as sent', () => {
    expect(jsonShapeProblem('["12345"]', limits)).toBeUndefined();
    expect(jsonShapeProblem('{"123456":1}', limits)).toBe('A string in the request body is 6 characters long; the limit is 5.');
    expect(jsonShapeProblem('"unterminated', limits)).toBe('A string in the request body is 12 characters long; the limit is 5.');
  });

  it('counts items per array and members per object', () => {
    expect(jsonShapeProblem('[1,2,3]', limits)).toBeUndefined();
    expect(jsonShapeProblem('[[1,2,3],[1,2,3],[1,2,3]]', limits)).toBeUndefined();
    expect(jsonShapeProblem('[1,2,3,4]', limits)).toBe('An array in the request body has more than 3 items; the limit is 3.');
    expect(jsonShapeProblem('{"a":1,"b":2,"c":[1],"d":4}', limits)).toBe(
      'An object in the request body has more than 3 members; the limit is 3.',
    );
  });

  it('terminates on malformed text (JSON.parse judges it next)', () => {
    for (const text of [']]]]', '}', '[', '"', '\\', ',,,,']) expect(() => jsonShapeProblem(text, limits)).not.toThrow();
  });

  // Linear, no recursion: a 1 MB body of brackets is measured, not a stack overflow (speed belongs
  // in benchmarks, not in a timed unit test).
  it('scans a 1 MB body of brackets without recursing', () => {
    const text = '['.repeat(1024 * 1024);
    expect(jsonShapeProblem(text)).toBe('The request body is nested 1,048,576 levels deep; the limit is 64.');
  });
});

describe('boundedJson', () => {
  const bounds = { maxDepth: 2, maxStringChars: 4, maxItems: 2 };

  it('accepts any JSON within the bounds', () => {
    for (const v of [null, 1, 'abcd', [1, [2]], { a: { b: 1 } }, []]) expect(jsonValueProblem(v, bounds)).toBeUndefined();
  });

  it('names the bound a value breaks', () => {
    expect(jsonValueProblem([[[1]]], bounds)).toBe('nested more than 2 levels deep; the limit is 2');
    expect(jsonValueProblem({ a: 'abcde' }, bounds)).toBe('a text of 5 characters; the limit is 4');
    expect(jsonValueProblem([1, 2, 3], bounds)).toBe('a list of 3 items; the limit is 2');
    expect(jsonValueProblem({ abcde: 1 }, bounds)).toBe('a property name of 5 characters; the limit is 4');
  });

  it('walks 100,000 levels without recursion', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(jsonValueProblem(v, { maxDepth: 200_000, maxStringChars: 1, maxItems: 1 })).toBeUndefined();
    expect(boundedJson(bounds, 'A filter value').safeParse(v).error?.issues[0]?.message).toBe(
      'A filter value is nested more than 2 levels deep; the limit is 2.',
    );
  });
});
