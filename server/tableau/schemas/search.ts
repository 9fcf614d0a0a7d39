import { z } from 'zod';

import { num, str } from './coerce.js';

/**
 * Content exploration search `GET /api/-/search` (tableau-mcp contentExplorationApi.ts):
 * `{hits:{total, pageIndex, limit, items:[{uri, content:{type, luid, title, ...}}]}}`.
 */
export const searchHitSchema = z
  .looseObject({
    uri: str,
    content: z.looseObject({
      type: z.string(),
      luid: z.string().min(1),
      title: z.string(),
      ownerName: str,
      ownerId: str,
      projectName: str,
      containerName: str,
      hitsTotal: num,
      favoritesTotal: num,
      modifiedTime: str,
      createdTime: str,
    }),
  })
  .transform(({ content: c }) => ({
    // tableau-mcp searchContentUtils.ts: 'unifieddatasource' is a data source for the analyst.
    type: c.type === 'unifieddatasource' ? 'datasource' : c.type,
    id: c.luid,
    title: c.title,
    projectName: c.projectName ?? c.containerName,
    ownerName: c.ownerName,
    hitsTotal: c.hitsTotal,
    modifiedTime: c.modifiedTime,
  }));

export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = z.object({
  hits: z.looseObject({
    total: num,
    pageIndex: num,
    startIndex: num,
    limit: num,
    items: z.unknown().optional(),
  }),
});
