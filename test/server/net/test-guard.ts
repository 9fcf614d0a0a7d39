/**
 * A team-mode TargetGuard for tests: the policy read from environment-style settings exactly as
 * the server reads them (server/config.ts teamNetwork), names resolved from a table instead of DNS,
 * and one loopback address (127.0.0.2 by default; Linux answers on all of 127/8) that plays a
 * public server, so a stand-in there counts as "public" while 127.0.0.1 stays loopback.
 */
import { teamNetwork } from '../../../server/config.js';
import { classifyAddress } from '../../../server/net/addresses.js';
import { type Resolve, TargetGuard } from '../../../server/net/guard.js';

export const PLAYS_PUBLIC = '127.0.0.2';

/** Each name → its address, or a list answered one per lookup (the last one repeats): DNS rebinding. */
function tableResolver(names: Record<string, string | string[]>): Resolve {
  const answers = Object.fromEntries(Object.entries(names).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  return async (hostname) => {
    const list = answers[hostname];
    if (!list?.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    const address = list.length > 1 ? list.shift()! : list[0]!;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
}

export function testGuard(env: Record<string, string>, names: Record<string, string | string[]>): TargetGuard {
  const { network } = teamNetwork({ TEAM: '1', ...env });
  return new TargetGuard(network!, {
    resolve: tableResolver(names),
    classify: (address) => (address === PLAYS_PUBLIC ? { public: true, range: 'unicast' } : classifyAddress(address)),
  });
}
