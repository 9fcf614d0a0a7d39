import { z } from 'zod';

import { num, str } from './coerce.js';

/**
 * `group_get.xml`: `<group id name><domain name="local"/></group>`; a group with a minimum site role
 * carries it in `import` (`<import domainName siteRole grantLicenseMode/>`, group_update.xml).
 */
export const groupSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  domain: z.looseObject({ name: str }).optional().catch(undefined),
  userCount: num,
  minimumSiteRole: str,
  import: z.looseObject({ domainName: str, siteRole: str, grantLicenseMode: str }).optional().catch(undefined),
});

export type Group = z.infer<typeof groupSchema>;
