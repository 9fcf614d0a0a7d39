/** VDS OpenAPI schema versions this product knows, oldest first. */
export const VDS_SCHEMA_VERSIONS = ['20251.0', '20252.0', '20253.0', '20261.0'] as const;
export type VdsSchemaVersion = (typeof VDS_SCHEMA_VERSIONS)[number];
export type VdsOperation = 'read-metadata' | 'query-datasource' | 'get-datasource-model' | 'list-supported-functions';

const NEWEST: VdsSchemaVersion = '20261.0';

/**
 * Schema version a Tableau product version speaks (docs/tableau-rest.md#endpoints-and-versions): Server 2025.1 = 20251.0,
 * Cloud June 2025 / 2025.2 = 20252.0, 2025.3 = 20253.0, 2026.1 and later = 20261.0 (branch `main`).
 * Development builds report names like "main" or "near.26.0123": they run the newest schema.
 * Versions before 2025.1 have no VDS; they map to the oldest schema so callers can still validate.
 */
export function schemaVersionFor(productVersion: string): VdsSchemaVersion {
  const match = /^(\d{4})\.(\d+)/.exec(productVersion.trim());
  if (!match) return NEWEST;
  const year = Number(match[1]);
  const release = Number(match[2]);
  if (year > 2026 || (year === 2026 && release >= 1)) return '20261.0';
  if (year < 2025) return '20251.0';
  if (release >= 3) return '20253.0';
  if (release === 2) return '20252.0';
  return '20251.0';
}

/** Operations (paths) a schema version offers, as listed in its OpenAPI `paths`. */
export function operationsOf(version: VdsSchemaVersion): VdsOperation[] {
  const ops: VdsOperation[] = ['read-metadata', 'query-datasource'];
  if (version === '20253.0' || version === '20261.0') ops.push('get-datasource-model');
  if (version === '20261.0') ops.push('list-supported-functions');
  return ops;
}

/** True when `version` is `min` or newer. */
export function schemaAtLeast(version: VdsSchemaVersion, min: VdsSchemaVersion): boolean {
  return VDS_SCHEMA_VERSIONS.indexOf(version) >= VDS_SCHEMA_VERSIONS.indexOf(min);
}
