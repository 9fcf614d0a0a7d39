/**
 * Product version → REST API version (docs/tableau-rest.md#versions): 2025.3 = 3.27 and 2026.1 (Cloud Feb 2026) = 3.28 are
 * documented; 2025.1 = 3.25 and 2025.2 = 3.26 are inferred there; 2026.2 = 3.29 from the 3.29 XSD header.
 */
const REST_VERSION_BY_RELEASE: Record<string, string> = {
  '2024.2': '3.23',
  '2025.1': '3.25',
  '2025.2': '3.26',
  '2025.3': '3.27',
  '2026.1': '3.28',
  '2026.2': '3.29',
};

/** Build numbers look like Tableau's (`20261.26.0115.1030`): release digits + year + date-ish suffix. */
const BUILD_BY_RELEASE: Record<string, string> = {
  '2024.2': '20242.24.0807.0327',
  '2025.1': '20251.25.0217.1022',
  '2025.2': '20252.25.0612.0914',
  '2025.3': '20253.25.1010.1130',
  '2026.1': '20261.26.0115.1030',
  '2026.2': '20262.26.0612.0845',
};

const SUPPORTED_PRODUCT_VERSIONS = Object.keys(REST_VERSION_BY_RELEASE).map((r) => `${r}.0`);

export interface ServerVersion {
  productVersion: string;
  restApiVersion: string;
  build: string;
}

/** `2026.1.0` (or `2026.1`) → its REST version; throws for releases the simulator does not model. */
export function resolveVersion(productVersion: string): ServerVersion {
  const m = /^(\d{4})\.(\d)(?:\.(\d+))?$/.exec(productVersion.trim());
  const release = m ? `${m[1]}.${m[2]}` : '';
  const rest = REST_VERSION_BY_RELEASE[release];
  if (!m || !rest) {
    throw new Error(`Unsupported product version '${productVersion}'; use one of ${SUPPORTED_PRODUCT_VERSIONS.join(', ')}`);
  }
  return { productVersion: `${release}.${m[3] ?? '0'}`, restApiVersion: rest, build: BUILD_BY_RELEASE[release] };
}

/** Compares REST versions numerically ('3.9' < '3.10'); NaN-safe callers validate the format first. */
export function compareApiVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : (an ?? 0) - (bn ?? 0);
}

export const API_VERSION_PATTERN = /^\d+\.\d+$/;
