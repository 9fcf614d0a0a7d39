/**
 * docs/deploy.md shows the nginx configuration the cluster test runs (deploy/nginx/companion.conf)
 * verbatim: one source, so the documented proxy is the tested one.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/deploy.md', () => {
  it('holds deploy/nginx/companion.conf verbatim, in its one nginx block', () => {
    const blocks = [...read('docs/deploy.md').matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toBe(read('deploy/nginx/companion.conf'));
  });

  it('is linked from the README and the architecture overview', () => {
    expect(read('README.md')).toContain('](docs/deploy.md)');
    expect(read('docs/architecture.md')).toContain('](deploy.md)');
  });
});
