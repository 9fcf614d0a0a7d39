/**
 * What a route module gets: the services it calls (server/services) and the few facts /health
 * reports. Route modules are plain functions `(app, ctx) => void`, registered by app.ts.
 */
import type { FastifyInstance } from 'fastify';

import type { HealthResponse } from '../../common/api.js';
import type { Services } from '../services/index.js';
import type { ScheduleService } from '../services/schedules.js';

/** Who answers Tableau's refresh events (routes/tableau-hooks.ts): the schedule service. */
export type TableauEventReceiver = Pick<ScheduleService, 'tableauHook' | 'acceptTableauEvent'>;

export interface RouteContext {
  services: Services;
  version: string;
  demo?: HealthResponse['demo'];
  /** gzip pull streams for clients on this machine too (AppOptions.compressLoopback). */
  compressLoopback?: boolean;
  /**
   * Receivers of server-to-server callbacks, mounted outside /api (app.ts) but owned by a module
   * inside it: the scheduling module sets `tableauEvents` when it builds its service.
   */
  callbacks: { tableauEvents?: TableauEventReceiver };
}

export type RouteModule = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
