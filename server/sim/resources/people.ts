import type { SimGroup, SimUser } from '../state/model.js';
import type { Json, ResourceDef } from './common.js';
import { fieldsConfig, str, withoutUndefined } from './common.js';

/** user_get.xml attributes; `_all_` adds what newer servers send (authSetting, language, locale, domain). */
function userFull(u: SimUser): Json {
  const out = withoutUndefined({
    id: u.id,
    name: u.name,
    siteRole: u.siteRole,
    lastLogin: u.lastLogin,
    fullName: u.fullName,
    email: u.email,
    authSetting: u.authSetting ?? 'ServerDefault',
    language: 'en',
    locale: 'en_US',
    domain: { name: 'local' },
  });
  out.externalAuthUserId = ''; // present and empty in user_get.xml
  return out;
}

export const users: ResourceDef<SimUser> = {
  plural: 'users',
  singular: 'user',
  items: (site) => site.users.values(),
  fields: () => ({
    name: { type: 'string', get: (u) => u.name },
    siteRole: { type: 'string', get: (u) => u.siteRole },
    lastLogin: { type: 'date', get: (u) => u.lastLogin },
    email: { type: 'string', get: (u) => u.email },
    friendlyName: { type: 'string', get: (u) => u.fullName },
  }),
  full: (u) => userFull(u),
  select: fieldsConfig(
    'id,name,siteRole,lastLogin,externalAuthUserId,fullName,email',
    'id,name,siteRole,lastLogin,externalAuthUserId,fullName,email,authSetting,language,locale,domain',
  ),
};

function groupFull(g: SimGroup): Json {
  const out: Json = { id: g.id, name: g.name, domain: { name: g.domainName }, userCount: str(g.userIds.length) };
  // group_update.xml (TSC test assets): a local group's minimum site role comes back in `import`
  // with grantLicenseMode onLogin; an imported (Active Directory) group's is granted on sync.
  if (g.minimumSiteRole) {
    const grantLicenseMode = g.grantLicenseMode ?? (g.domainName === 'local' ? 'onLogin' : 'onSync');
    out.import = { domainName: g.domainName, siteRole: g.minimumSiteRole, grantLicenseMode };
  }
  return out;
}

export const groups: ResourceDef<SimGroup> = {
  plural: 'groups',
  singular: 'group',
  items: (site) => site.groups.values(),
  fields: () => ({
    name: { type: 'string', get: (g) => g.name },
    domainName: { type: 'string', get: (g) => g.domainName },
    domainNickname: { type: 'string', get: (g) => g.domainName },
    isLocal: { type: 'boolean', get: (g) => g.domainName === 'local' },
    userCount: { type: 'number', get: (g) => g.userIds.length },
    minimumSiteRole: { type: 'string', get: (g) => g.minimumSiteRole },
    luid: { type: 'string', get: (g) => g.id },
    id: { type: 'string', get: (g) => g.id },
  }),
  full: (g) => groupFull(g),
  select: fieldsConfig('id,name,domain,import', 'id,name,domain,import,userCount'),
  extraDefaults: (q) => (q.includeUserCount === 'true' ? ['userCount'] : []),
};
