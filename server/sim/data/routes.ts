import type { FastifyInstance } from 'fastify';
import type { SimDataHost } from './host.js';

/** Registers the simulator's data routes (view CSV export, VDS, /_sim/data controls). */
export function registerSimDataRoutes(app: FastifyInstance, host: SimDataHost): void {
  void app;
  void host;
}
