/**
 * Feature gates in ONE table. REST features follow the REST API version the server reports
 * (`restApiVersion`); VizQL Data Service features follow the product version (VDS has its own
 * /api/v1 path, docs/tableau-rest.md#versions). tableau-mcp gates the same way: isTableauVersionAtLeast.ts,
 * getQueryDatasourceRules ('2026.1.0' rowLimit), getDatasourceMetadataRules ('2025.3.0').
 */

const FEATURES = {
  /** Personal access token sign-in (TSC @api("3.6")). */
  patSignIn: { rest: '3.6' },
  /** Connected-app JWT sign-in (TSC JWTAuth, 3.17). */
  jwtSignIn: { rest: '3.17' },
  /** Query param delimiters must be encoded from 3.7 (TSC endpoint.py get_request). */
  encodedFilters: { rest: '3.7' },
  /** GET /customviews (TSC custom_views_endpoint @api 3.18). */
  customViews: { rest: '3.18' },
  /** `<extractRefresh incremental="true"/>` body ("only supported in 3.25+", TSC request_factory.py). */
  incrementalRefresh: { rest: '3.25' },
  /** Query View Image `format=SVG`: Tableau 2026.2 = REST 3.29 (docs/tableau-rest.md#view-images); older servers ignore `format`. */
  viewImageSvg: { rest: '3.29' },
  /** The Metadata API at /api/metadata/graphql (TSC metadata_endpoint.py @api("3.5"); Tableau Server 2019.3). */
  metadataApi: { rest: '3.5' },
  /** VizQL Data Service: Server 2025.1 / Cloud Feb 2025. */
  vds: { product: '2025.1' },
  /** VDS get-datasource-model (schema 20253.0). */
  vdsDatasourceModel: { product: '2025.3' },
  /** VDS options.rowLimit: older servers reject the request (tableau-mcp#215). */
  vdsRowLimit: { product: '2026.1' },
  /** VDS CONDITION filters (schema 20261.0). */
  vdsConditionFilter: { product: '2026.1' },
  /**
   * VDS `options.returnServerSentEvents` (schema 20261.0): rows as they are produced, a row count
   * first (vds_create_queries.html "Server-sent event support"; older schemas reject the option).
   */
  vdsServerSentEvents: { product: '2026.1' },
  /**
   * No 1 GB cap on a VDS answer: "1 GB per response" (vds_limitations.html) until 2026.1, whose
   * answers stream as they are produced (vds_create_queries.html "Results handling and error checking").
   */
  vdsUncappedAnswers: { product: '2026.1' },
} as const satisfies Record<string, { rest: string } | { product: string }>;

export type Feature = keyof typeof FEATURES;

export type VdsSchemaVersion = '20251.0' | '20252.0' | '20253.0' | '20261.0';

/** Product version → the VDS OpenAPI schema it speaks (docs/tableau-rest.md#endpoints-and-versions). Newest first. */
const VDS_SCHEMAS: Array<[string, VdsSchemaVersion]> = [
  ['2026.1', '20261.0'],
  ['2025.3', '20253.0'],
  ['2025.2', '20252.0'],
  ['2025.1', '20251.0'],
];

/** Parsed version as numbers; `Infinity` for dev builds, which are newer than any release. */
export type Version = number[];

/**
 * Product versions come as "2025.3.0", "2025.3", Cloud-style "20253.25.0924.1234", or a branch name
 * for dev builds (tableau-mcp isTableauVersionAtLeast.ts: `value: "main"`, build "main.25.0804.1416").
 */
export function parseProductVersion(value: string | undefined): Version | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  // Dev builds name a branch instead of a release ("main", "main.25.0804.1416", "near.26.0123").
  if (/^[a-z]/.test(v)) return [Infinity];
  const compact = /^(\d{4})(\d)(?:\.|$)/.exec(v);
  if (compact) return [Number(compact[1]), Number(compact[2])];
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function parseRestVersion(value: string): Version | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(value.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0 ? 1 : -1;
  }
  return 0;
}

export interface VersionInfo {
  productVersion: string;
  restApiVersion: string;
}

export function supportsFeature(info: VersionInfo, feature: Feature): boolean {
  const gate: { rest?: string; product?: string } = FEATURES[feature];
  if (gate.rest) {
    const have = parseRestVersion(info.restApiVersion);
    return !!have && compareVersions(have, parseRestVersion(gate.rest)!) >= 0;
  }
  const have = parseProductVersion(info.productVersion);
  return !!have && compareVersions(have, parseProductVersion(gate.product)!) >= 0;
}

/** The VDS schema version to validate requests against, or undefined when the server has no VDS. */
export function vdsSchemaVersion(productVersion: string): VdsSchemaVersion | undefined {
  const have = parseProductVersion(productVersion);
  if (!have) return undefined;
  for (const [min, schema] of VDS_SCHEMAS) {
    if (compareVersions(have, parseProductVersion(min)!) >= 0) return schema;
  }
  return undefined;
}
