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

export type User = z.infer<typeof userSchema>;

/** Update User answers without the id (`user_update.xml`: name, fullName, email, siteRole). */
export const updatedUserSchema = userSchema.partial({ id: true });
