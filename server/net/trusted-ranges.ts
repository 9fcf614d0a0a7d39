/**
 * TRUSTED_PRIVATE_RANGES (server/config.ts): internal address ranges where the operator's own
 * Tableau Server lives. Most on-premises Tableau Servers have a private address (RFC 1918); a team
 * server refuses every such address (addresses.ts), so without this setting it could not be used
 * with them. A trusted range makes the guard accept an address for a TABLEAU SERVER only, and only
 * for a host that is on ALLOWED_TABLEAU_SERVERS too (guard.ts checks the list first, and the address
 * still at connect time): OWASP's SSRF cheat sheet pairs the two the same way, an allow-list of
 * names AND of the addresses they may have
 * (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html,
 * "Case 1 - Application can send request only to identified and trusted applications").
 *
 * Never trusted, whatever the operator writes (refused at start-up):
 *  - link-local 169.254.0.0/16 and fe80::/10, and AWS's IPv6 metadata address fd00:ec2::254
 *    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html): the
 *    cloud metadata service hands out the machine's credentials, the target the cheat sheet names;
 *  - 0.0.0.0/8 ("this network", RFC 1122 §3.2.1.3): 0.0.0.0 reaches this very machine on Linux;
 *  - IPv6 ranges that carry an IPv4 address (::ffff:0:0/96 IPv4-mapped, RFC 4291 §2.5.5.2, and
 *    64:ff9b::/96 NAT64, RFC 6052): addresses.ts judges such addresses by the IPv4 address inside,
 *    so a range must be written in IPv4.
 */
import ipaddr from 'ipaddr.js';

import { effectiveAddress } from './addresses.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Ranges no setting may overlap, with the reason given in the start-up error. */
const NEVER_TRUSTED: ReadonlyArray<{ range: Cidr; why: string }> = [
  { range: ipaddr.parseCIDR('169.254.0.0/16'), why: 'link-local, where the cloud metadata service answers (169.254.169.254)' },
  { range: ipaddr.parseCIDR('fe80::/10'), why: 'link-local' },
  { range: ipaddr.parseCIDR('fd00:ec2::254/128'), why: "AWS's IPv6 metadata service" },
  { range: ipaddr.parseCIDR('0.0.0.0/8'), why: '"this network": 0.0.0.0 reaches this machine' },
  { range: ipaddr.parseCIDR('::ffff:0:0/96'), why: 'IPv4-mapped IPv6: write the IPv4 range instead' },
  { range: ipaddr.parseCIDR('64:ff9b::/96'), why: 'NAT64: write the IPv4 range instead' },
];

const first = ([address, bits]: Cidr) =>
  address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);

/** Two CIDR blocks overlap exactly when one contains the other's first address. */
function overlaps(a: Cidr, b: Cidr): boolean {
  if (a[0].kind() !== b[0].kind()) return false;
  return first(a).match(b) || first(b).match(a);
}

/** One entry: an address with a prefix length (`10.20.0.0/16`) or a single address (`10.20.0.5` = /32 or /128). */
function parseEntry(entry: string): Cidr | Error {
  let cidr: Cidr;
  try {
    cidr = entry.includes('/') ? ipaddr.parseCIDR(entry) : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as Cidr)(ipaddr.parse(entry));
  } catch {
    return new Error(`"${entry.slice(0, 60)}" is not an address range (write e.g. 10.20.0.0/16 or 10.20.0.5).`);
  }
  const refused = NEVER_TRUSTED.find((n) => overlaps(cidr, n.range));
  if (refused) {
    const [address, bits] = refused.range;
    return new Error(`"${entry}" overlaps ${address.toString()}/${bits} (${refused.why}), which is never trusted.`);
  }
  return cidr;
}

/** The comma list → ranges; throws one Error naming every bad entry and the setting. */
export function parseTrustedRanges(value: string | undefined): Cidr[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const parsed = entries.map(parseEntry);
  const problems = parsed.filter((p): p is Error => p instanceof Error).map((e) => e.message);
  if (problems.length) throw new Error(`TRUSTED_PRIVATE_RANGES: ${problems.join(' ')}`);
  return parsed as Cidr[];
}

/** Is this resolved address inside one of the ranges? Judged as addresses.ts judges it (IPv4-mapped and NAT64 unwrapped). */
export function inTrustedRange(ranges: readonly Cidr[], text: string): boolean {
  const address = effectiveAddress(text);
  return address !== undefined && ranges.some((range) => address.kind() === range[0].kind() && address.match(range));
}
