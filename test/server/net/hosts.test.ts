/** The operator's host patterns (server/net/hosts.ts). */
import { describe, expect, it } from 'vitest';

import { hostAllowed, parseHostList, parseHostPattern } from '../../../server/net/hosts.js';

const list = parseHostList('ALLOWED_TABLEAU_SERVERS', '*.online.tableau.com, Tableau.Corp.Example., 8.8.8.8, [2606:4700::1]');

describe('host patterns', () => {
  it.each([
    ['10ay.online.tableau.com', true],
    ['a.b.online.tableau.com', true],
    ['ONLINE-X.online.tableau.com', true],
    ['online.tableau.com', false],
    ['evilonline.tableau.com', false],
    ['online.tableau.com.evil.example', false],
    ['tableau.corp.example', true],
    ['tableau.corp.example.', true],
    ['x.tableau.corp.example', false],
    ['8.8.8.8', true],
    ['8.8.4.4', false],
    ['[2606:4700::1]', true],
    ['2606:4700:0::1', false],
    ['localhost', false],
  ])('%s allowed: %s', (host, allowed) => {
    expect(hostAllowed(list, host)).toBe(allowed);
  });

  it('refuses entries that are not host patterns, naming each one and the setting', () => {
    expect(() => parseHostList('ALLOWED_WEBHOOK_HOSTS', 'https://hooks.example.com/x, *.com, a*.example.com')).toThrow(
      /^ALLOWED_WEBHOOK_HOSTS: "https:\/\/hooks.example.com\/x" is not a host name.*"\*\.com" would allow every name under the public suffix "com".*"a\*\.example\.com"/,
    );
    for (const bad of ['*', '*.co.uk', '*.github.io', 'host:8443', 'bad_name.example', '-x.example'])
      expect(parseHostPattern(bad), bad).toBeInstanceOf(Error);
    expect(parseHostList('X', ' , ')).toEqual([]);
  });
});
