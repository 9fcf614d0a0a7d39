import { z } from 'zod';

import { num, str } from './coerce.js';

/** `group_get.xml`: `<group id name><domain name="local"/></group>`. */
export const groupSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  domain: z.looseObject({ name: str }).optional().catch(undefined),
  userCount: num,
  minimumSiteRole: str,
});
