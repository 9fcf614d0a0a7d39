/**
 * How a Tableau site is named, the same way on both sides: the add-in's refresh definitions and
 * connection matching (addin/refresh) and the server's connect route (server/http/schemas.ts).
 * Structural URL type: common/ has neither the DOM's nor Node's URL declared (common/web-globals.d.ts).
 */
import { z } from 'zod';

/**
 * A server address as people type it: `tableau.example.com` or `tableau.example.com:8443/prefix`
 * means https (Tableau Cloud and a default Tableau Server install speak https). `http://` stays
 * allowed but only when written out.
 */
function withDefaultScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value.replace(/^\/+/, '')}`;
}

/**
 * The server address as an identity: https added when no scheme is written, lower-case origin plus
 * path (a server may sit behind a reverse-proxy prefix), no trailing slash. Throws an Error whose
 * message completes "The address …" when it is no http(s) URL, holds a user name or password
 * (credentials never travel inside a URL we store), or has a query or fragment.
 */
export function normalizeServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(withDefaultScheme(input.trim()));
  } catch {
    throw new Error('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must start with https://');
  if (url.username || url.password) throw new Error('must not contain a user name or password');
  if (url.search || url.hash) throw new Error('must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A server address, normalised (normalizeServerUrl); the words name the address and the reason. */
export const serverUrlSchema = z
  .string()
  .max(2000, { abort: true })
  .transform((value, ctx) => {
    try {
      return normalizeServerUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `The Tableau server address "${value.slice(0, 200)}" ${(err as Error).message}.` });
      return z.NEVER;
    }
  });

/**
 * A site content URL ("marketing" in …/#/site/marketing/…; '' = the default site of Tableau
 * Server). Tableau allows only letters, digits, hyphens and underscores in it (REST API, Create
 * Site, `contentUrl`: https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_site.htm#create_site).
 */
export const siteContentUrlSchema = z
  .string()
  .trim()
  .max(255, { abort: true })
  .regex(/^[A-Za-z0-9_-]*$/, 'must be a site content URL (as in /site/<name>/): letters, digits, - and _ only');

declare class URL {
  constructor(input: string);
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly search: string;
  readonly hash: string;
  readonly origin: string;
  readonly pathname: string;
}
