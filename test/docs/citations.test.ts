import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { checkRepository, checkText, formatProblems, headingSlugs } from './citations.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A tiny repository in memory: what the fixtures may cite. */
const FILES: Record<string, string> = {
  'docs/a.md': '# Title\n\n## Sessions\n\n## `npm start`: the built add-in, the API\n\n## Sessions\n',
  'server/tableau/auth.ts': '',
};
const fakeFs = {
  exists: (rel: string) => rel in FILES || Object.keys(FILES).some((f) => f.startsWith(`${rel}/`)),
  isDir: (rel: string) => Object.keys(FILES).some((f) => f.startsWith(`${rel}/`)),
  readText: (rel: string) => FILES[rel],
};
const check = (file: string, text: string) => formatProblems(checkText(file, text, fakeFs));

describe('citations', () => {
  it('every citation in comments and markdown resolves to a repository file, a heading or a well-formed URL', () => {
    expect(formatProblems(checkRepository(REPO))).toEqual([]);
  });

  it('GitHub heading slugs', () => {
    expect([...headingSlugs(FILES['docs/a.md']!)]).toEqual(['title', 'sessions', 'npm-start-the-built-add-in-the-api', 'sessions-1']);
  });

  it('accepts citations that resolve', () => {
    const src = [
      '/** Sign-in (docs/a.md#sessions, server/tableau/auth.ts, server/tableau/auth.js, server/tableau/). */',
      "const url = 'docs/missing.md'; // strings are not comments: not checked",
      '// https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_concepts_auth.htm',
      'export const x = 1;',
    ].join('\n');
    expect(check('server/x.ts', src)).toEqual([]);
    expect(check('docs/b.md', 'See [a](a.md#npm-start-the-built-add-in-the-api) and [top](#here).\n\n## Here\n')).toEqual([]);
  });

  it('fails on a citation that does not resolve, naming file and line', () => {
    const src = [
      'export const a = 1;',
      '/**',
      ' * Tokens die after 240 minutes (notes §1.6); see design.md and docs/excel/performance.md.',
      ' * The facts: docs/missing.md and docs/a.md#no-such-heading; code in server/tableau/gone.ts.',
      ' * Source: ../shared/notes/tableau-api.md, https://[bad/x',
      ' */',
      'export const b = 2; // and server/nowhere/',
    ].join('\n');
    expect(check('server/broken.ts', src)).toEqual([
      'server/broken.ts:3: cites notes outside the repository ("notes §"): "notes §"',
      'server/broken.ts:3: cites design.md, which is not in the repository (docs/architecture.md): "design.md"',
      'server/broken.ts:3: cites docs/excel/*.md, which is not in the repository (docs/excel.md): "docs/excel/performance.md"',
      'server/broken.ts:4: cites docs/missing.md, which does not exist',
      'server/broken.ts:4: cites docs/a.md#no-such-heading: no heading "#no-such-heading" in docs/a.md',
      'server/broken.ts:4: cites server/tableau/gone.ts, which does not exist',
      'server/broken.ts:5: cites ../shared, outside the repository: "../shared/notes"',
      'server/broken.ts:5: malformed URL https://[bad/x',
      'server/broken.ts:7: cites server/nowhere/, which does not exist',
    ]);
  });

  it('checks markdown links relative to their file, and their anchors', () => {
    expect(check('docs/b.md', 'Intro\n\nSee [x](../server/gone.ts), [y](a.md#nope), [z](#missing), [w](../../elsewhere.md).\n')).toEqual([
      'docs/b.md:3: cites ../server/gone.ts, which does not exist',
      'docs/b.md:3: cites a.md#nope: no heading "#nope" in docs/a.md',
      'docs/b.md:3: cites #missing: no heading "#missing" in docs/b.md',
      'docs/b.md:3: links ../../elsewhere.md, outside the repository',
    ]);
  });
});
