/**
 * Writes the production manifest: `npm run manifest:prod -- --url https://excel.example.com`
 * reads manifest.xml, replaces https://localhost:3000 everywhere, validates the result offline
 * (schemas + project rules, no localhost left) and writes dist/manifest.prod.xml.
 * Options: --in <file> (default manifest.xml), --out <file> (default dist/manifest.prod.xml).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { normalizeBaseUrl, rewriteManifest } from './manifest/rewrite.js';
import { formatProblems, validateManifest } from './manifest/validate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'Usage: npm run manifest:prod -- --url https://your-host [--in manifest.xml] [--out dist/manifest.prod.xml]';

export interface ProdManifestArgs {
  url: string;
  in: string;
  out: string;
}

export function parseArgs(argv: string[]): ProdManifestArgs {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.match(/^--(url|in|out)=(.*)$/);
    if (eq) {
      values[eq[1]] = eq[2];
    } else if (/^--(url|in|out)$/.test(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value.\n${USAGE}`);
      values[arg.slice(2)] = value;
    } else {
      throw new Error(`Unknown argument "${arg}".\n${USAGE}`);
    }
  }
  const url = values.url ?? process.env.ADDIN_PROD_URL;
  if (!url) throw new Error(`Missing --url (or ADDIN_PROD_URL).\n${USAGE}`);
  return {
    url,
    in: resolve(ROOT, values.in ?? 'manifest.xml'),
    out: resolve(ROOT, values.out ?? 'dist/manifest.prod.xml'),
  };
}

/** Builds, validates and writes the production manifest; returns the written path. */
export async function buildProdManifest(args: ProdManifestArgs): Promise<string> {
  const base = normalizeBaseUrl(args.url);
  const xml = rewriteManifest(readFileSync(args.in, 'utf8'), base);
  const { valid, problems } = await validateManifest(xml, { allowLocalhost: false });
  if (!valid) throw new Error(`The production manifest is not valid:\n${formatProblems(problems)}`);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, xml);
  return args.out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    const out = await buildProdManifest(parseArgs(process.argv.slice(2)));
    console.log(`Wrote ${out}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
