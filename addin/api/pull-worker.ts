/**
 * The Worker entry of the pull worker (pull-worker-core.ts): one worker serves one pull, then the
 * pane terminates it. Vite bundles it as a chunk of its own (pull-in-worker.ts creates it with
 * `new Worker(new URL(...), { type: 'module' })`, https://vite.dev/guide/features#web-workers),
 * so it adds nothing to the pane's initial JavaScript.
 */
import { type PortLike, servePull } from './pull-worker-core.js';

servePull(globalThis as unknown as PortLike);
