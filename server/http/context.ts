/**
 * What a route module gets: the services it calls (server/services) and the few facts /health
 * reports. Route modules are plain functions `(app, ctx) => void`, registered by app.ts.
 */
import type { FastifyInstance } from 'fastify';

import type { HealthResponse } from '../../common/api.js';
import type { Services } from '../services/index.js';
import type { ScheduleService } from '../services/schedules.js';
import type { Readiness } from './readiness.js';

/** Who answers Tableau's refresh events (routes/tableau-hooks.ts): the schedule service. */
type TableauEventReceiver = Pick<ScheduleService, 'tableauHook' | 'acceptTableauEvent'>;

export interface RouteContext {
  services: Services;
  version: string;
  demo?: HealthResponse['demo'];
  /** gzip pull streams for clients on this machine too (AppOptions.compressLoopback). */
  compressLoopback?: boolean;
  /** What GET /health/ready asks; route modules add their own checks (readiness.ts). */
  readiness: Readiness;
  /**
   * Hooks between route modules, set by the module that owns them: the scheduling module sets
   * `tableauEvents` (the receiver of Tableau's refresh events, mounted outside /api by app.ts) and
   * `connectionRemoving` (the connection's Tableau webhooks go before the connection does).
   */
  callbacks: {
    tableauEvents?: TableauEventReceiver;
    connectionRemoving?: (userId: string, connectionId: string) => Promise<void>;
  };
}

export type RouteModule = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
