/**
 * The README's "How it works" and docs/architecture.md's module map name the code's folders one to
 * one: every top-level folder under addin/ and server/ is named in both, and every folder they name
 * exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SIDES = ['addin', 'server', 'common'] as const;

function folders(): string[] {
  return SIDES.flatMap((side) =>
    readdirSync(`${REPO}${side}`, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'node_modules')
      .map((d) => `${side}/${d.name}/`),
  ).sort();
}

/** The text from a heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = markdown.indexOf(`${heading}\n`);
  expect(start, `no "${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + heading.length + 1);
  const next = new RegExp(`^#{1,${level}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

function named(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![\w./-])(addin|server|common)\/([\w-]+)\//g)) found.add(`${m[1]}/${m[2]}/`);
  return [...found].sort();
}

describe('module map', () => {
  it('README "How it works" names every top-level folder of addin/ and server/, and no other', () => {
    const readme = readFileSync(`${REPO}README.md`, 'utf8');
    expect(named(section(readme, '## How it works'))).toEqual(folders());
  });

  it('docs/architecture.md "Module map" names every top-level folder, and no other', () => {
    const doc = readFileSync(`${REPO}docs/architecture.md`, 'utf8');
    expect(named(section(doc, '## Module map'))).toEqual(folders());
  });
});
