/**
 * Citation checker: every document a comment or a markdown file cites must be in the repository or
 * be a public URL (docs/decisions.md). Reads comments of .ts/.tsx/.js/.mjs files (through the
 * TypeScript parser, so strings and regular expressions are never mistaken for comments) and the
 * whole text of .md/.html/.xml files, and reports:
 *  - forbidden forms (FORBIDDEN below): the research notes and design sketch that lay beside the
 *    checkout, cited by section sign or by file name, and the old per-page Excel docs folder;
 *  - repository paths (`docs/excel.md`, `server/main.ts`, `addin/...`; markdown links relative to
 *    their file) that do not exist, and `#anchors` that no heading of the target markdown file has
 *    (GitHub's heading slugs);
 *  - URLs that do not parse. URLs are never fetched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

import ts from 'typescript';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** Folders whose files are scanned, and single files at the root. */
const SCAN_ROOTS = ['addin', 'server', 'common', 'test', 'scripts', 'bench', 'docs'];
const ROOT_FILES = ['README.md', 'manifest.xml'];
/**
 * Vendored third-party text: its paths are paths of the repository it came from, so only the
 * forbidden forms and URL syntax are checked there.
 */
const VENDORED = new Set(['scripts/manifest/xsd/README.md']);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test-artifacts', '.git', 'tsc-assets']);
const SOURCE_EXT = /\.(ts|tsx|js|mjs|cjs)$/;
const TEXT_EXT = /\.(md|html|xml)$/;

/** First path segments a bare repository path may start with. */
const PATH_ROOTS = ['addin', 'server', 'common', 'test', 'scripts', 'bench', 'docs'];

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bnotes\s*(?:tableau-api\.md\s*)?§/, 'cites notes outside the repository ("notes §")'],
  [/(?<![\w/.-])(?:tableau-api|tableau-platform-2026|excel-addin|excel-behaviours)\.md/, 'cites a note outside the repository'],
  [/(?:\.\.\/)*shared\/(?:notes|reference|design\.md)/, 'cites ../shared, outside the repository'],
  [/(?<![\w/.-])design\.md/, 'cites design.md, which is not in the repository (docs/architecture.md)'],
  [/(?<![\w.-])docs\/excel\/[\w.-]+/, 'cites docs/excel/*.md, which is not in the repository (docs/excel.md)'],
];

const URL_RE = /https?:\/\/[^\s)>\]"'`|]+/g;
const PATH_RE = new RegExp(String.raw`(?<![\w./@-])(?:${PATH_ROOTS.join('|')})/[\w./*{}-]*[\w*/}](?:#[\w-]+)?`, 'g');
const MD_LINK_RE = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function listFiles(repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(repo, dir))) {
      if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${name}` : name;
      const st = statSync(join(repo, rel));
      if (st.isDirectory()) walk(rel);
      else if (SOURCE_EXT.test(name) || TEXT_EXT.test(name)) out.push(rel);
    }
  };
  for (const root of SCAN_ROOTS) if (existsSync(join(repo, root))) walk(root);
  for (const f of ROOT_FILES) if (existsSync(join(repo, f))) out.push(f);
  // Tool configs at the root (eslint, vite, vitest).
  for (const name of readdirSync(repo)) {
    if (SOURCE_EXT.test(name) && statSync(join(repo, name)).isFile()) out.push(name);
  }
  return out.sort();
}

/**
 * Comment texts of a source file with their offsets. The parser finds the literals (strings,
 * templates, regular expressions, JSX text), which can hold `//` or quotes; everything outside them
 * is scanned for `//` and block comments.
 */
function comments(file: string, text: string): Array<{ pos: number; text: string }> {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const opaque = new Map<number, number>();
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateLiteralToken(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isJsxText(node)
    ) {
      opaque.set(node.getStart(sf), node.end);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const found: Array<{ pos: number; text: string }> = [];
  for (let i = 0; i < text.length;) {
    const skip = opaque.get(i);
    if (skip !== undefined && skip > i) {
      i = skip;
    } else if (text.startsWith('//', i)) {
      const eol = text.indexOf('\n', i);
      const stop = eol < 0 ? text.length : eol;
      found.push({ pos: i, text: text.slice(i, stop) });
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? text.length : close + 2;
      found.push({ pos: i, text: text.slice(i, stop) });
      i = stop;
    } else {
      i++;
    }
  }
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, -1/-2 for repeats. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const counts = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(```|~~~)/.exec(line);
    if (f) {
      fence = fence === null ? f[1]! : fence === f[1] ? null : fence;
      continue;
    }
    if (fence) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = h[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Blanks URLs (same length, so offsets hold) after checking that each parses. */
function checkUrls(segment: string, report: (offset: number, message: string) => void): string {
  return segment.replace(URL_RE, (raw, offset: number) => {
    const url = raw.replace(/[.,;:!?*_]+$/, '');
    // A bare scheme in prose ("write https://"), placeholders and patterns (https://<host>,
    // https://*.office.com, https://{pod}…) are not citations.
    if (!/^https?:\/\/$/.test(url) && !/[<{*…]/.test(url)) {
      let ok = false;
      try {
        const u = new URL(url);
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
      } catch {
        ok = false;
      }
      if (!ok) report(offset, `malformed URL ${url}`);
    }
    return ' '.repeat(raw.length);
  });
}

/**
 * Checks one file's citations. `exists` and `readText` look at the repository (injectable so a
 * fixture can be checked without files).
 */
export function checkText(
  file: string,
  text: string,
  fs: { exists(rel: string): boolean; readText(rel: string): string | undefined; isDir(rel: string): boolean },
): Problem[] {
  const problems: Problem[] = [];
  const slugCache = new Map<string, Set<string>>();
  const slugsOf = (rel: string) => {
    let s = slugCache.get(rel);
    if (!s) {
      s = headingSlugs((rel === file ? text : fs.readText(rel)) ?? '');
      slugCache.set(rel, s);
    }
    return s;
  };

  // Parsing is the cost: a source file with nothing that looks like a citation is not parsed.
  const candidate = [URL_RE, PATH_RE, ...FORBIDDEN.map(([re]) => re)].some((re) => new RegExp(re.source, 'u').test(text));
  if (!candidate && SOURCE_EXT.test(file)) return [];
  const segments: Array<{ pos: number; text: string }> = SOURCE_EXT.test(file) ? comments(file, text) : [{ pos: 0, text }];
  const isMarkdown = file.endsWith('.md');

  /** Resolves a path (relative to the repository root, or to `baseDir` for ./ ../ forms). */
  const resolves = (target: string): boolean => {
    const clean = target.replace(/[{}]/g, '');
    if (clean.includes('*')) {
      // A glob: its folder must exist.
      const dir = clean
        .slice(0, clean.indexOf('*'))
        .replace(/[^/]*$/, '')
        .replace(/\/$/, '');
      return dir === '' || fs.isDir(dir);
    }
    const p = clean.replace(/\/$/, '');
    if (fs.exists(p)) return true;
    // Module specifiers: "x.js" for x.ts, or no extension at all.
    const noJs = p.replace(/\.(js|mjs)$/, '');
    return ['.ts', '.tsx', '.js', '.mjs', '.md', '/index.ts'].some((ext) => fs.exists(noJs + ext));
  };

  const checkTarget = (rel: string, anchor: string | undefined, at: number, shown: string) => {
    if (rel !== '' && !resolves(rel)) {
      problems.push({ file, line: lineAt(text, at), message: `cites ${shown}, which does not exist` });
      return;
    }
    if (anchor !== undefined) {
      const target = rel === '' ? file : rel;
      if (!target.endsWith('.md')) return;
      if (!slugsOf(target).has(anchor.toLowerCase())) {
        problems.push({ file, line: lineAt(text, at), message: `cites ${shown}: no heading "#${anchor}" in ${target}` });
      }
    }
  };

  for (const seg of segments) {
    const report = (offset: number, message: string) => problems.push({ file, line: lineAt(text, seg.pos + offset), message });

    // Forbidden forms are reported once, then blanked so the path check does not repeat them.
    let body = seg.text;
    for (const [re, message] of FORBIDDEN) {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      body = body.replace(g, (m: string, offset: number) => {
        report(offset, `${message}: "${m.replace(/[.]+$/, '')}"`);
        return ' '.repeat(m.length);
      });
    }

    body = checkUrls(body, report);

    if (isMarkdown && !VENDORED.has(file)) {
      body = body.replace(MD_LINK_RE, (whole, target: string, offset: number) => {
        if (!/^[a-z]+:/i.test(target)) {
          const [path = '', anchor] = target.split('#');
          const rel =
            path === ''
              ? ''
              : normalize(join(dirname(file), decodeURIComponent(path)))
                  .split(sep)
                  .join('/');
          if (rel.startsWith('..')) report(offset, `links ${target}, outside the repository`);
          else checkTarget(rel, anchor, seg.pos + offset, target);
        }
        return ' '.repeat(whole.length);
      });
    }

    if (VENDORED.has(file)) continue;
    for (const m of body.matchAll(PATH_RE)) {
      const raw = m[0].replace(/[.]+$/, '');
      const [path = '', anchor] = raw.split('#');
      checkTarget(path, anchor, seg.pos + m.index, raw);
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** Checks every scanned file of the repository. */
export function checkRepository(repo: string): Problem[] {
  const fs = {
    exists: (rel: string) => existsSync(join(repo, rel)),
    isDir: (rel: string) => existsSync(join(repo, rel)) && statSync(join(repo, rel)).isDirectory(),
    readText: (rel: string) => (existsSync(join(repo, rel)) ? readFileSync(join(repo, rel), 'utf8') : undefined),
  };
  const problems: Problem[] = [];
  for (const file of listFiles(repo)) {
    problems.push(...checkText(file, readFileSync(join(repo, file), 'utf8'), fs));
  }
  return problems;
}

export function formatProblems(problems: Problem[]): string[] {
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}
