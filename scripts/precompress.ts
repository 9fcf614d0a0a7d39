/**
 * Brotli and gzip copies of the built add-in's text files, written once at build time beside each
 * file (`x.js.br`, `x.js.gz`), so the server sends them as they are (@fastify/static
 * `preCompressed`) instead of compressing ~800 KB of JavaScript for every cold open. Source maps
 * are left out: only DevTools asks for them, and they are compressed on the fly then.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json']);
/** Below this, compression gains nothing worth a second file (@fastify/compress's threshold). */
const MIN_BYTES = 1024;

export function precompressBuild(dir: string): number {
  let written = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      written += precompressBuild(path);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(entry.name)) || statSync(path).size < MIN_BYTES) continue;
    const bytes = readFileSync(path);
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    );
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    written++;
  }
  return written;
}
