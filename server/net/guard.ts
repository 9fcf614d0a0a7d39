/**
 * May the server connect to this host, for this purpose? The host must be on the operator's list
 * for the purpose (hosts.ts) and, in team mode, every address it resolves to must be public
 * (addresses.ts) or, for a Tableau server, inside the operator's TRUSTED_PRIVATE_RANGES (trusted-ranges.ts). OWASP SSRF cheat sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html):
 * validate the domain against an allow-list AND the resolved IP against the internal ranges.
 *
 * DNS rebinding: a name can resolve to a public address when it is checked and to 127.0.0.1 a
 * moment later when it is connected to (the same cheat sheet, "Exploitation tricks", and
 * https://owasp.org/www-community/attacks/DNS_Rebinding). So the check runs INSIDE the connect:
 * the agents below resolve the name once, check every address, and hand exactly the checked
 * addresses to the socket (the `lookup` option of net.connect, https://nodejs.org/api/net.html#socketconnectoptions-connectlistener).
 * Node skips `lookup` for an IP literal, so createConnection checks literals itself. TLS still
 * names the host: SNI and the certificate check use the host name, not the address
 * (https.Agent sets `servername`; https://nodejs.org/api/tls.html#tlsconnectoptions-callback).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type ClientRequestArgs } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';

import { type AddressVerdict, classifyAddress, describeRange } from './addresses.js';
import { hostAllowed, type HostPattern, normalizeHost } from './hosts.js';
import { type Cidr, inTrustedRange } from './trusted-ranges.js';

export type TargetPurpose = 'tableau' | 'webhook';

/** The setting an operator changes to allow a host, named in every refusal. */
const ALLOW_LIST_SETTING: Record<TargetPurpose, string> = {
  tableau: 'ALLOWED_TABLEAU_SERVERS',
  webhook: 'ALLOWED_WEBHOOK_HOSTS',
};

const WHAT: Record<TargetPurpose, string> = { tableau: 'Tableau servers', webhook: 'webhook hosts' };

export interface NetworkPolicy {
  /** Team mode: only public addresses, whatever the lists say. */
  publicOnly: boolean;
  /** Hosts allowed per purpose; a purpose without a list may reach any host (single-analyst mode). */
  allowed: Partial<Record<TargetPurpose, readonly HostPattern[]>>;
  /**
   * TRUSTED_PRIVATE_RANGES: internal ranges a LISTED Tableau server may resolve to in team mode
   * (an on-premises Tableau Server; trusted-ranges.ts). Never for webhooks: a schedule's owner
   * chooses its webhook URL, the operator chooses the Tableau servers.
   */
  trustedTableauRanges?: readonly Cidr[];
}

/** All addresses of a name (dns.lookup with `all`: what the OS resolver, /etc/hosts included, answers). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export interface GuardDeps {
  resolve?: Resolve;
  /** Tests trust their own loopback address through this; the product uses classifyAddress. */
  classify?: (address: string) => AddressVerdict;
}

/** Error code of a refusal on its way through Node and axios (network errors carry their code). */
const TARGET_REFUSED = 'ERR_TARGET_NOT_ALLOWED';

export class TargetRefusedError extends Error {
  readonly code = TARGET_REFUSED;

  constructor(
    readonly host: string,
    readonly purpose: TargetPurpose,
    readonly reason: 'not-listed' | 'not-public',
    message: string,
    /** For the log only: the refused address and its range. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** The refusal anywhere in an error's cause chain (axios and Node wrap it), or undefined. */
export function findTargetRefusal(err: unknown): TargetRefusedError | undefined {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TargetRefusedError) return e;
  }
  return undefined;
}

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export class TargetGuard {
  private readonly resolve: Resolve;
  private readonly classify: (address: string) => AddressVerdict;

  constructor(
    readonly policy: NetworkPolicy,
    deps: GuardDeps = {},
  ) {
    this.resolve = deps.resolve ?? systemResolve;
    this.classify = deps.classify ?? classifyAddress;
  }

  /** What can be decided without DNS: the host's place on the list, and an IP literal's range. */
  refusal(purpose: TargetPurpose, hostname: string): TargetRefusedError | undefined {
    const host = normalizeHost(hostname);
    const list = this.policy.allowed[purpose];
    if (list && !hostAllowed(list, host)) {
      return new TargetRefusedError(
        host,
        purpose,
        'not-listed',
        `The companion server may not connect to ${host}: it is not on this server's list of allowed ${WHAT[purpose]}. Ask your administrator to add ${host} to ${ALLOW_LIST_SETTING[purpose]}.`,
      );
    }
    return isIP(host) ? this.addressRefusal(purpose, host, host) : undefined;
  }

  private addressRefusal(purpose: TargetPurpose, host: string, address: string): TargetRefusedError | undefined {
    if (!this.policy.publicOnly) return undefined;
    if (purpose === 'tableau' && inTrustedRange(this.policy.trustedTableauRanges ?? [], address)) return undefined;
    const verdict = this.classify(address);
    if (verdict.public) return undefined;
    const is = isIP(host) ? 'is' : 'resolves to';
    return new TargetRefusedError(
      host,
      purpose,
      'not-public',
      `The companion server may not connect to ${host}: it ${is} ${describeRange(verdict.range)}, and a team server connects only to public addresses. Use the server's public name, or ask your administrator.`,
      `${address} (${verdict.range})`,
    );
  }

  /** Resolves once and returns the addresses, each checked; throws the refusal otherwise. */
  async checkedAddresses(purpose: TargetPurpose, hostname: string): Promise<LookupAddress[]> {
    const early = this.refusal(purpose, hostname);
    if (early) throw early;
    const host = normalizeHost(hostname);
    if (isIP(host)) return [{ address: host, family: isIP(host) }];
    const addresses = await this.resolve(host);
    for (const { address } of addresses) {
      const refused = this.addressRefusal(purpose, host, address);
      if (refused) throw refused;
    }
    return addresses;
  }

  /**
   * Before a URL is saved (a schedule's webhook): the same decision as at connect time, so the
   * owner hears it now. A name that does not resolve is not a refusal here; sending will tell.
   */
  async checkUrl(purpose: TargetPurpose, url: string): Promise<void> {
    try {
      await this.checkedAddresses(purpose, new URL(url).hostname);
    } catch (err) {
      if (err instanceof TargetRefusedError) throw err;
    }
  }

  /** A net `lookup` that answers only with checked addresses (dns.lookup's contract, `all` or not). */
  lookup(purpose: TargetPurpose): LookupFunction {
    return (hostname: string, options: LookupOptions, callback) => {
      this.checkedAddresses(purpose, hostname).then(
        (all) => {
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
          const usable = family ? all.filter((a) => a.family === family) : all;
          if (!usable.length) {
            const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
            return callback(err, '', 0);
          }
          if (options.all) callback(null, usable);
          else callback(null, usable[0]!.address, usable[0]!.family);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
  }

  /**
   * Keep-alive agents whose every new socket goes through the check (a reused socket was checked
   * when it was made). `tls`: extra TLS options (tests trust their own CA with `ca`).
   */
  agents(purpose: TargetPurpose, tls: Pick<https.AgentOptions, 'ca'> = {}): { http: http.Agent; https: https.Agent } {
    const options = { keepAlive: true, lookup: this.lookup(purpose) };
    const refuse = (host: string | null | undefined) => this.refusal(purpose, host ?? 'localhost');
    return { http: new GuardedHttpAgent(refuse, options), https: new GuardedHttpsAgent(refuse, { ...options, ...tls }) };
  }
}

type Refuse = (host: string | null | undefined) => Error | undefined;
type Created = (err: Error | null, stream: Duplex) => void;

// Agent#createConnection may hand its socket, or an error, to the callback
// (https://nodejs.org/api/http.html#agentcreateconnectionoptions-callback).
class GuardedHttpAgent extends http.Agent {
  constructor(
    private readonly refuse: Refuse,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: Created): Duplex | null | undefined {
    const refused = this.refuse(options.host ?? options.hostname);
    if (refused) return void callback?.(refused, undefined as never);
    return super.createConnection(options, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    private readonly refuse: Refuse,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: Created): Duplex | null | undefined {
    const refused = this.refuse(options.host ?? options.hostname);
    if (refused) return void callback?.(refused, undefined as never);
    return super.createConnection(options, callback);
  }
}
