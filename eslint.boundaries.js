// Which folder may use what (issue #15; the map is docs/architecture.md#module-map), enforced by
// `npm run lint` and proven by test/lint/boundaries.test.ts with a deliberate violation per rule.
//  - Office.js (the `Office`/`Excel` globals) only in the host adapter and the Excel gateway;
//  - add-in screens (addin/ui) reach Excel and HTTP only through services, never directly;
//  - the add-in's domain (refresh, workbook) does not depend on the app, UI or host layers;
//  - addin/, server/ and common/ import each other only as addin → common ← server;
//  - on the server only http/ (and main.ts) import http/: services, the scheduler, pulls, the store
//    and the Tableau client know nothing of HTTP routes (docs/architecture.md#module-map).
// In a flat config the last object that sets a rule wins for a file, so each object below lists
// every pattern that applies to its folder, not just the ones it adds.

const OFFICE_GLOBALS = ['Office', 'Excel', 'OfficeExtension', 'OfficeRuntime'];
const OFFICE_USERS = ['addin/host/office.ts', 'addin/workbook/excel/**'];
const PRODUCT = ['addin/**/*.{ts,tsx}', 'server/**/*.ts', 'common/**/*.ts'];

const officeGlobals = OFFICE_GLOBALS.map((name) => ({
  name,
  message: 'Office.js is used only by addin/host/office.ts and addin/workbook/excel/; take a HostAdapter or WorkbookGateway instead.',
}));
const officeMembers = {
  // Catches `globalThis.Office`, `(globalThis as X).Office`, `window.Excel`, which no-restricted-globals does not see.
  selector: `MemberExpression[property.name=/^(${OFFICE_GLOBALS.join('|')})$/]`,
  message: 'Office.js is used only by addin/host/office.ts and addin/workbook/excel/; take a HostAdapter or WorkbookGateway instead.',
};
const officeTypes = {
  // Type positions (`Excel.Range`) are not global references either.
  selector: `TSQualifiedName[left.name=/^(${OFFICE_GLOBALS.join('|')})$/]`,
  message: officeMembers.message,
};
const httpGlobals = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({
  name,
  message: 'Screens reach the companion server through the ApiClient from useServices(), never directly.',
}));

const rule = (regex, message, extra = {}) => ({ regex, message, ...extra });
const noServer = rule('(^|/)server/', 'The add-in and common/ never import server code: share contracts through common/.');
const noAddin = rule('(^|/)addin/', 'server/ and common/ never import add-in code: share contracts through common/.');
const noHttp = rule(
  '(^|/)http/',
  'Only server/http imports server/http: the layers below are called by it, never the other way (docs/architecture.md).',
);
const noWorkbookImpl = rule(
  '(^|/)workbook/(excel|memory)(/|$)',
  'Screens use the WorkbookGateway from useServices(); only main.tsx picks an implementation.',
);
const noAxios = rule('^axios($|/)', 'Screens reach the companion server through the ApiClient from useServices().');
const noClientInternals = rule(
  '(^|/)api/(client|transport|stream|sessionStore)(\\.js)?$',
  'Screens reach the companion server through the ApiClient from useServices() (types may be imported).',
  { allowTypeImports: true },
);
const noAppLayers = rule(
  '(^|/)(app|ui|host|commands)/',
  'The domain (addin/refresh, addin/workbook) depends on no app, UI, host or command code: pass what it needs in.',
);

const imports = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export const boundaries = [
  {
    files: PRODUCT,
    ignores: OFFICE_USERS,
    rules: {
      'no-restricted-globals': ['error', ...officeGlobals],
      'no-restricted-syntax': ['error', officeMembers, officeTypes],
    },
  },
  {
    files: ['addin/ui/**/*.{ts,tsx}'],
    rules: { 'no-restricted-globals': ['error', ...officeGlobals, ...httpGlobals] },
  },
  imports(['addin/**/*.{ts,tsx}'], [noServer]),
  imports(['addin/ui/**/*.{ts,tsx}'], [noServer, noWorkbookImpl, noAxios, noClientInternals]),
  imports(['addin/refresh/**/*.ts', 'addin/workbook/**/*.ts'], [noServer, noAppLayers]),
  imports(['common/**/*.ts'], [noServer, noAddin]),
  imports(['server/**/*.ts'], [noAddin]),
  imports(['server/{services,schedule,pull,publish,store,tableau,vds}/**/*.ts'], [noAddin, noHttp]),
];
