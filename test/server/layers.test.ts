/**
 * The server's dependency direction (docs/architecture.md#server): http → services → schedule,
 * pull, store, tableau, never back. A folder below http/ that imports http/ (or a folder below
 * services/ that imports services/) fails here, naming the file and the import. And no import
 * cycle anywhere in server/, common/ or addin/ (madge, type imports included, as .madgerc configures it
 * for `npx madge --circular --extensions ts,tsx server common addin`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** madge ships no types; this is the part of its API used here (https://github.com/pahen/madge#api). */
type Madge = (paths: string[], config: object) => Promise<{ circular(): string[][] }>;
const madge = createRequire(import.meta.url)('madge') as Madge;

/** Which server folders each folder may not import (type imports included: they couple too). */
const FORBIDDEN: Record<string, readonly string[]> = {
  services: ['http'],
  schedule: ['http', 'services'],
  pull: ['http', 'services'],
  store: ['http', 'services'],
  tableau: ['http', 'services', 'schedule', 'store', 'pull'],
};

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** "server/<folder>/…" of a repository-relative path, or undefined outside server/. */
const folderOf = (path: string) => /^server\/([^/]+)\//.exec(path)?.[1];

function layerViolations(file: string, text: string): string[] {
  const forbidden = FORBIDDEN[folderOf(file) ?? ''] ?? [];
  const problems: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), spec));
    const folder = folderOf(target);
    if (folder && forbidden.includes(folder)) problems.push(`${file} imports ${target} (server/${folderOf(file)} ↛ server/${folder})`);
  }
  return problems;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('server layers', () => {
  it('no folder imports a layer above it', () => {
    const problems = Object.keys(FORBIDDEN)
      .flatMap((folder) => tsFiles(join(REPO, 'server', folder)).map((abs) => relative(REPO, abs).split('\\').join('/')))
      .flatMap((file) => layerViolations(file, readFileSync(join(REPO, file), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('names a violation, type imports and dynamic imports included', () => {
    const src = [
      "import type { RouteContext } from '../http/context.js';",
      "import { ConnectionService } from '../services/connections.js';",
      "const m = await import('../http/stream.js');",
      "import { recordSnapshot } from './record.js';",
    ].join('\n');
    expect(layerViolations('server/schedule/x.ts', src)).toEqual([
      'server/schedule/x.ts imports server/http/context.js (server/schedule ↛ server/http)',
      'server/schedule/x.ts imports server/services/connections.js (server/schedule ↛ server/services)',
      'server/schedule/x.ts imports server/http/stream.js (server/schedule ↛ server/http)',
    ]);
    expect(layerViolations('server/http/routes/x.ts', "import { BrowseService } from '../../services/browse.js';")).toEqual([]);
  });

  it('no import cycle in server/, common/ or addin/, type imports included', async () => {
    const graph = await madge(
      ['server', 'common', 'addin'].map((d) => join(REPO, d)),
      {
        fileExtensions: ['ts', 'tsx'],
        detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
      },
    );
    expect(graph.circular()).toEqual([]);
  }, 60_000);
});
