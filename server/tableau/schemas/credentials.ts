import { z } from 'zod';

import { str } from './coerce.js';

/** Sign-in / switchSite response (docs/tableau-rest.md#sign-in, tableau-mcp types/credentials.ts). */
export const credentialsSchema = z
  .object({
    credentials: z.looseObject({
      token: z.string().min(1),
      site: z.looseObject({ id: z.string().min(1), contentUrl: str }),
      user: z.looseObject({ id: z.string().min(1) }),
      estimatedTimeToExpiration: str,
    }),
  })
  .transform(({ credentials: c }) => ({
    token: c.token,
    siteId: c.site.id,
    siteContentUrl: c.site.contentUrl ?? '',
    userId: c.user.id,
  }));
