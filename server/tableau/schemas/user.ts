import { z } from 'zod';

import { str } from './coerce.js';

/** `user_get.xml`. */
export const userSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  siteRole: str,
  lastLogin: str,
  fullName: str,
  email: str,
  authSetting: str,
  externalAuthUserId: str,
});
