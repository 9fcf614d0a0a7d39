/**
 * POST /api/connections/:cid/view-image {source} → the view's picture, PNG bytes (common/view-image.ts).
 * The body is bounded by VIEW_IMAGE_MAX_BYTES in the service; errors are mapped like every route's.
 */
import { VIEW_IMAGE_CONTENT_TYPE } from '../../../common/view-image.js';
import { sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { viewImageRequestSchema } from '../schemas.js';
import { connectionIdOf } from './connections.js';

export const viewImageRoutes: RouteModule = (app, { services: { viewImages } }) => {
  app.post('/connections/:cid/view-image', async (request, reply) => {
    const { source } = parseInput(viewImageRequestSchema, request.body, 'view image request');
    const bytes = await viewImages.image(sessionOf(request).userId, connectionIdOf(request), source);
    return reply.header('content-type', VIEW_IMAGE_CONTENT_TYPE).header('cache-control', 'no-store').send(bytes);
  });
};
