/** Team-mode settings (server/config.ts teamNetwork): where the server may connect. */
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../server/config.js';

describe('team-mode settings', () => {
  it('single analyst: no lists, no guard, the demo site as before', () => {
    const c = loadConfig({}, [], '/srv');
    expect(c).toMatchObject({ team: false, demo: true });
    expect(c.network).toBeUndefined();
  });

  it('TEAM=1 refuses to start without ALLOWED_TABLEAU_SERVERS, saying what to set', () => {
    expect(() => loadConfig({ TEAM: '1' })).toThrow(
      /team mode \(TEAM=1\) needs ALLOWED_TABLEAU_SERVERS.*e\.g\. ALLOWED_TABLEAU_SERVERS=\*\.online\.tableau\.com,tableau\.corp\.example/,
    );
    expect(() => loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: ' , ' })).toThrow(/needs ALLOWED_TABLEAU_SERVERS/);
  });

  it('TEAM=1 with a list: public addresses only, webhooks only to listed hosts (none when unset), no demo site', () => {
    const c = loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: '*.online.tableau.com,tableau.corp.example' });
    expect(c).toMatchObject({ team: true, demo: false, network: { publicOnly: true } });
    expect(c.network!.allowed.tableau!.map((p) => p.text)).toEqual(['*.online.tableau.com', 'tableau.corp.example']);
    expect(c.network!.allowed.webhook).toEqual([]);
    const hooks = loadConfig({ TEAM: 'yes', ALLOWED_TABLEAU_SERVERS: 'a.example.com', ALLOWED_WEBHOOK_HOSTS: 'hooks.slack.com' });
    expect(hooks.network!.allowed.webhook!.map((p) => p.text)).toEqual(['hooks.slack.com']);
  });

  it('a list without TEAM is honoured, loopback still allowed', () => {
    const c = loadConfig({ ALLOWED_TABLEAU_SERVERS: 'tableau.corp.example' });
    expect(c).toMatchObject({ team: false, network: { publicOnly: false } });
    expect(c.network!.allowed.webhook).toBeUndefined();
  });

  it('names the setting and the entry that is wrong', () => {
    expect(() => loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: 'https://tableau.example.com/' })).toThrow(
      /^Invalid server settings: ALLOWED_TABLEAU_SERVERS: "https:\/\/tableau\.example\.com\/" is not a host name/,
    );
    expect(() => loadConfig({ ALLOWED_WEBHOOK_HOSTS: '*.com' })).toThrow(/ALLOWED_WEBHOOK_HOSTS: "\*\.com" would allow every name/);
  });

  it('ALLOWED_TABLEAU_SITES: site content URLs in lower case, (default) for the Default site; unset = any site', () => {
    expect(loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: 'a.example.com' }).allowedSites).toBeUndefined();
    const c = loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: 'a.example.com', ALLOWED_TABLEAU_SITES: 'Marketing, (Default),finance_2' });
    expect(c.allowedSites).toEqual(['marketing', '', 'finance_2']);
    expect(() => loadConfig({ ALLOWED_TABLEAU_SITES: 'marketing,site/sales' })).toThrow(
      /^Invalid server settings: ALLOWED_TABLEAU_SITES: "site\/sales" is not a site content URL/,
    );
  });
});
