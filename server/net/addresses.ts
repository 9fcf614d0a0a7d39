/**
 * Is a resolved IP address one the team server may connect to? Only public unicast addresses are:
 * an address that reaches this machine, the company's own network or the cloud's metadata service
 * is how a server is turned against its own surroundings (OWASP Server-Side Request Forgery
 * Prevention Cheat Sheet, "Case 2 - application can send requests to ANY external IP address or
 * domain name": https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
 *
 * The ranges are ipaddr.js's `range()` names (https://github.com/whitequark/ipaddr.js, `SpecialRanges`
 * in lib/ipaddr.js): anything it does not call 'unicast' is refused. REFUSED_RANGES lists them with
 * their RFCs; docs/security.md#team-mode-where-the-server-may-connect shows the same table.
 */
import ipaddr from 'ipaddr.js';

/** The range names ipaddr.js gives, with the RFC that sets each range aside (IPv4, then IPv6). */
export const REFUSED_RANGES: Readonly<Record<string, string>> = {
  unspecified: '0.0.0.0/8 "this network" (RFC 791, RFC 1122 §3.2.1.3), :: (RFC 4291 §2.5.2)',
  broadcast: '255.255.255.255 (RFC 919, RFC 8190)',
  multicast: '224.0.0.0/4 (RFC 5771), ff00::/8 (RFC 4291 §2.7)',
  linkLocal: '169.254.0.0/16 incl. the cloud metadata address 169.254.169.254 (RFC 3927), fe80::/10 (RFC 4291 §2.5.6)',
  loopback: '127.0.0.0/8 (RFC 1122 §3.2.1.3), ::1 (RFC 4291 §2.5.3)',
  carrierGradeNat: '100.64.0.0/10 shared address space (RFC 6598)',
  private: '10/8, 172.16/12, 192.168/16 (RFC 1918)',
  reserved:
    '192.0.0/24 (RFC 6890), documentation 192.0.2/24, 198.51.100/24, 203.0.113/24 (RFC 5737), 192.88.99/24 (RFC 7526), benchmarking 198.18/15 (RFC 2544), 240/4 (RFC 1112); 2001::/23 (RFC 2928), documentation 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637)',
  as112: '192.175.48/24, 192.31.196/24 (RFC 7534, RFC 7535), 2001:4:112::/48, 2620:4f:8000::/48',
  amt: '192.52.193/24 (RFC 7450), 2001:3::/32',
  uniqueLocal: 'fc00::/7 (RFC 4193)',
  deprecatedSiteLocal: 'fec0::/10 (RFC 3879)',
  discard: '100::/64 (RFC 6666)',
  rfc6145: '::ffff:0:0:0/96 IPv4-translated (RFC 6145)',
  rfc6052: 'NAT64 64:ff9b::/96 (RFC 6052) — judged by the IPv4 address inside — and 64:ff9b:1::/48 (RFC 8215)',
  '6to4': '2002::/16 (RFC 3056): tunnels to an IPv4 address the check cannot see',
  teredo: '2001::/32 (RFC 4380): tunnels to an IPv4 address the check cannot see',
  benchmarking: '2001:2::/48 (RFC 5180)',
  as112v6: '2001:4:112::/48 (RFC 7535), 2620:4f:8000::/48 (RFC 7534)',
  deprecatedOrchid: '2001:10::/28 (RFC 4843)',
  orchid2: '2001:20::/28 (RFC 7343)',
  droneRemoteIdProtocolEntityTags: '2001:30::/28 (RFC 9374)',
  segmentRouting: '5f00::/16 (RFC 9602)',
  notGlobalUnicast:
    'IPv6 outside 2000::/3, e.g. IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1): IANA allocates only 2000::/3 as global unicast (https://www.iana.org/assignments/ipv6-address-space)',
  invalid: 'not an IP address',
};

export interface AddressVerdict {
  public: boolean;
  /** ipaddr.js's range name ('unicast' when public), or one of ours: 'notGlobalUnicast', 'invalid'. */
  range: string;
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * The address a socket to `text` really reaches, as far as this machine can tell: IPv4-mapped IPv6
 * unwrapped (ipaddr.process), the IPv4 address inside a well-known NAT64 address; undefined when
 * `text` is not an IP address. (Also used for TRUSTED_PRIVATE_RANGES: trusted-ranges.ts.)
 */
export function effectiveAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return undefined;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).match(NAT64_WELL_KNOWN)) {
    return ipaddr.fromByteArray((address as ipaddr.IPv6).toByteArray().slice(12));
  }
  return address;
}

/**
 * `::ffff:127.0.0.1` is judged as 127.0.0.1 (ipaddr.process unwraps IPv4-mapped IPv6, RFC 4291
 * §2.5.5.2: the socket really goes to the IPv4 address), and so is the IPv4 address inside a
 * well-known NAT64 prefix, which is what a DNS64 resolver hands out for a public IPv4-only name.
 */
export function classifyAddress(text: string): AddressVerdict {
  const address = effectiveAddress(text);
  if (!address) return { public: false, range: 'invalid' };
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'unicast' && !v6.match(GLOBAL_UNICAST)) return { public: false, range: 'notGlobalUnicast' };
    return { public: range === 'unicast', range };
  }
  const range = address.range();
  return { public: range === 'unicast', range };
}

/** Words for a refused range, for the analyst (no address: which internal address a name has is nobody's business). */
export function describeRange(range: string): string {
  switch (range) {
    case 'loopback':
      return 'this computer (loopback)';
    case 'private':
    case 'uniqueLocal':
    case 'deprecatedSiteLocal':
      return 'a private network address';
    case 'linkLocal':
      return 'a link-local address (such as the cloud metadata service)';
    case 'carrierGradeNat':
      return 'a carrier-grade NAT address';
    case 'unspecified':
      return 'the unspecified address';
    case 'multicast':
    case 'broadcast':
      return 'a multicast or broadcast address';
    default:
      return 'a reserved address';
  }
}
