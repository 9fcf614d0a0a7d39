/**
 * Every route a fastify app has registered, as method + URL pattern, read from fastify's own
 * `printRoutes()` radix tree (https://fastify.dev/docs/latest/Reference/Server/#printroutes), so a
 * test sweeping "every route" picks up a new one without being told. Each line of the tree is
 * `<indent>├── <segment> (GET, HEAD)`; a route's URL is the concatenation of the segments on the
 * way down, methods appear only on nodes that end a route.
 */
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/u;

export function routesOf(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const prefix: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const level = m[1]!.length / 4;
    const segment = m[2] === '(empty root node)' ? '' : m[2]!;
    prefix.length = level;
    prefix[level] = segment;
    if (!m[3]) continue;
    const url = prefix.join('');
    for (const method of m[3].split(',').map((s) => s.trim())) routes.push({ method, url });
  }
  return routes;
}
