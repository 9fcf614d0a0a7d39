/**
 * The operator's allow-lists (ALLOWED_TABLEAU_SERVERS, ALLOWED_WEBHOOK_HOSTS: server/config.ts):
 * host patterns, matched against the host name of the URL the server is about to connect to.
 * OWASP's SSRF cheat sheet recommends exactly this for a server that may reach only known
 * parties: an allow-list of domain names, checked before any request
 * (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
 *
 *  - `tableau.corp.example` matches that host only;
 *  - `*.online.tableau.com` matches any name under online.tableau.com (10ay.online.tableau.com,
 *    a.b.online.tableau.com), not online.tableau.com itself: list both when both are used;
 *  - an IP address matches itself (IPv6 with or without brackets).
 * Ports, schemes and paths are not part of a pattern. A wildcard over a public suffix (`*.com`,
 * `*.co.uk`: the Public Suffix List, https://publicsuffix.org/, via tldts) is refused: it would
 * allow most of the internet.
 */
import { isIP } from 'node:net';

import { parse as parseDomain } from 'tldts';

export interface HostPattern {
  /** As the operator wrote it, normalised: lower case, no trailing dot. */
  text: string;
  matches(hostname: string): boolean;
}

/** Host names as URL and DNS write them: lower case, no brackets around IPv6, no trailing dot. */
export function normalizeHost(hostname: string): string {
  return hostname
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

// One DNS label (RFC 1123 §2.1: letters, digits, hyphens; not starting or ending with a hyphen).
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const isHostName = (name: string) => name.length <= 253 && name.split('.').every((label) => LABEL.test(label));

/** One pattern, or an Error whose message says what is wrong with it in plain words. */
export function parseHostPattern(raw: string): HostPattern | Error {
  const text = normalizeHost(raw);
  if (isIP(text)) return { text, matches: (hostname) => normalizeHost(hostname) === text };
  if (/[/:@?#]/.test(text))
    return new Error(`"${raw}" is not a host name: write the host only, without scheme, port or path (e.g. tableau.example.com).`);
  if (text.startsWith('*.')) {
    const suffix = text.slice(2);
    if (!isHostName(suffix)) return new Error(`"${raw}" is not a valid host pattern: after "*." must come a host name.`);
    const parsed = parseDomain(suffix, { allowPrivateDomains: true });
    if (!parsed.domain || parsed.publicSuffix === suffix)
      return new Error(
        `"${raw}" would allow every name under the public suffix "${suffix}"; name the organisation's domain, e.g. *.tableau.example.com.`,
      );
    return { text, matches: (hostname) => normalizeHost(hostname).endsWith(`.${suffix}`) };
  }
  if (text.includes('*')) return new Error(`"${raw}" is not a valid host pattern: "*" may only stand first, as in *.example.com.`);
  if (!isHostName(text)) return new Error(`"${raw}" is not a valid host name.`);
  return { text, matches: (hostname) => normalizeHost(hostname) === text };
}

/** A comma list → patterns; throws one Error naming every bad entry and the setting. */
export function parseHostList(setting: string, value: string | undefined): HostPattern[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const parsed = entries.map(parseHostPattern);
  const problems = parsed.filter((p): p is Error => p instanceof Error).map((e) => e.message);
  if (problems.length) throw new Error(`${setting}: ${problems.join(' ')}`);
  return parsed as HostPattern[];
}

export const hostAllowed = (patterns: readonly HostPattern[], hostname: string): boolean => patterns.some((p) => p.matches(hostname));
