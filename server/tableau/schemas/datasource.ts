import { z } from 'zod';

import { bool, num, ref, str, tags } from './coerce.js';

/** `datasource_get.xml`; XSD dataSourceType adds hasExtracts, size, description... */
export const datasourceSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  contentUrl: str,
  type: str,
  description: str,
  webpageUrl: str,
  size: num,
  isCertified: bool,
  hasExtracts: bool,
  encryptExtracts: str,
  createdAt: str,
  updatedAt: str,
  project: ref,
  owner: ref,
  tags,
});

export type Datasource = z.infer<typeof datasourceSchema>;
