/**
 * Dev → production manifest: every https://localhost:3000 URL moves to the production host, as the
 * template's CopyWebpackPlugin transform does (docs/excel.md#manifest). The Id stays: workbook
 * settings are keyed by it, so dev-made workbooks keep working in prod (docs/excel.md#custom-xml-parts).
 */
const DEV_BASE_URL = 'https://localhost:3000';

/**
 * Checks a production base URL and returns it without a trailing slash. Throws plain-words errors.
 * A path is allowed (the add-in may live under https://host/excel); a query or fragment is not,
 * because every manifest URL is built by appending a path to it.
 */
export function normalizeBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a URL. Give the add-in's public address, e.g. https://excel.example.com`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`${input} must start with https:// (Office only loads add-ins over SSL).`);
  }
  if (url.username || url.password) throw new Error('The URL must not contain a user name or password.');
  if (url.search || url.hash) throw new Error(`${input} must not have a query (?...) or fragment (#...).`);
  if (/^(localhost|127\.0\.0\.1|\[::1\])$/i.test(url.hostname)) {
    throw new Error(`${input} is this machine; a production manifest needs the host your users reach.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Rewrites a dev manifest for `baseUrl` (already normalized). AppDomains take the origin only. */
export function rewriteManifest(xml: string, baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  return xml
    .replace(/<AppDomain>\s*https:\/\/localhost:3000\/?\s*<\/AppDomain>/g, `<AppDomain>${origin}</AppDomain>`)
    .replaceAll(DEV_BASE_URL, baseUrl);
}
