/**
 * What a route module gets: the services it calls (server/services) and the few facts /health
 * reports. Route modules are plain functions `(app, ctx) => void`, registered by app.ts.
 */
import type { FastifyInstance } from 'fastify';

import type { HealthResponse } from '../../common/api.js';
import type { Services } from '../services/index.js';
import type { Readiness } from './readiness.js';

export interface RouteContext {
  services: Services;
  version: string;
  demo?: HealthResponse['demo'];
  /** gzip pull streams for clients on this machine too (AppOptions.compressLoopback). */
  compressLoopback?: boolean;
  /** What GET /health/ready asks; route modules add their own checks (readiness.ts). */
  readiness: Readiness;
}

export type RouteModule = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
