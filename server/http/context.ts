/**
 * What a route module gets: the services it calls (server/services) and the few facts /health
 * reports. Route modules are plain functions `(app, ctx) => void`, registered by app.ts.
 */
import type { FastifyInstance } from 'fastify';

import type { HealthResponse } from '../../common/api.js';
import type { Services } from '../services/index.js';

export interface RouteContext {
  services: Services;
  version: string;
  demo?: HealthResponse['demo'];
  /** gzip pull streams for clients on this machine too (AppOptions.compressLoopback). */
  compressLoopback?: boolean;
}

export type RouteModule = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
