/**
 * The folder boundaries in eslint.boundaries.js hold: each deliberate violation below fails
 * `npm run lint` for a file in the folder it names, and the legal version passes.
 * ESLint's Node API lints the snippet as if it were that file (the file need not exist).
 */
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}eslint.config.js` });
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('lint boundaries', { timeout: 60_000 }, () => {
  const violations: [string, string, string, string][] = [
    // [what, file, code, rule]
    [
      'Office global outside the host adapter',
      'addin/refresh/runner/x.ts',
      'export const ready = Office.onReady();\n',
      'no-restricted-globals',
    ],
    ['Excel global in a screen', 'addin/ui/x.tsx', 'export const run = () => Excel.run(async () => undefined);\n', 'no-restricted-globals'],
    ['Excel types in a screen', 'addin/ui/x.ts', 'export type Cell = Excel.Range;\n', 'no-restricted-syntax'],
    ['globalThis.Office cast', 'addin/api/x.ts', 'export const o = (globalThis as { Office?: unknown }).Office;\n', 'no-restricted-syntax'],
    [
      'Office in server code',
      'server/http/x.ts',
      'export const o = (globalThis as { Office?: unknown }).Office;\n',
      'no-restricted-syntax',
    ],
    ['fetch in a screen', 'addin/ui/x.tsx', "export const get = () => fetch('/api/health');\n", 'no-restricted-globals'],
    [
      'screen imports the Excel gateway',
      'addin/ui/x.tsx',
      "export { ExcelWorkbookGateway } from '../workbook/excel/gateway.js';\n",
      'no-restricted-imports',
    ],
    [
      'screen imports the memory gateway',
      'addin/ui/tables/x.tsx',
      "export { memoryGateway } from '../../workbook/memory/gateway.js';\n",
      'no-restricted-imports',
    ],
    ['screen imports axios', 'addin/ui/x.tsx', "import axios from 'axios';\nexport const a = axios;\n", 'no-restricted-imports'],
    ['screen builds an API client', 'addin/ui/x.tsx', "export { createApiClient } from '../api/client.js';\n", 'no-restricted-imports'],
    ['screen uses the transport', 'addin/ui/x.tsx', "export * from '../api/transport.js';\n", 'no-restricted-imports'],
    ['add-in imports server code', 'addin/api/x.ts', "export * from '../../server/http/errors.js';\n", 'no-restricted-imports'],
    [
      'domain imports the app layer',
      'addin/refresh/runner/x.ts',
      "export type { Services } from '../../app/services.js';\n",
      'no-restricted-imports',
    ],
    ['domain imports a screen', 'addin/workbook/x.ts', "export * from '../ui/App.js';\n", 'no-restricted-imports'],
    ['common imports the add-in', 'common/x.ts', "export * from '../addin/workbook/gateway.js';\n", 'no-restricted-imports'],
    ['common imports the server', 'common/x.ts', "export * from '../server/http/errors.js';\n", 'no-restricted-imports'],
    ['server imports the add-in', 'server/http/x.ts', "export * from '../../addin/workbook/gateway.js';\n", 'no-restricted-imports'],
    [
      'a service imports the HTTP layer',
      'server/services/x.ts',
      "export type { RouteContext } from '../http/context.js';\n",
      'no-restricted-imports',
    ],
    ['the scheduler imports the HTTP layer', 'server/schedule/x.ts', "export * from '../http/errors.js';\n", 'no-restricted-imports'],
  ];

  it.each(violations)('%s fails', async (_what, file, code, rule) => {
    expect(await ruleIds(file, code)).toContain(rule);
  });

  const legal: [string, string, string][] = [
    ['the host adapter reads Office', 'addin/host/office.ts', 'export const o = (globalThis as { Office?: unknown }).Office;\n'],
    ['the Excel gateway calls Excel.run', 'addin/workbook/excel/x.ts', 'export const run = () => Excel.run(async () => undefined);\n'],
    [
      'a screen takes the client type and services',
      'addin/ui/x.tsx',
      "import type { ApiClient } from '../api/client.js';\nimport { useServices } from '../app/services.js';\nexport const useApi = (): ApiClient => useServices().api;\n",
    ],
    ['a screen uses the gateway contract', 'addin/ui/x.tsx', "export type { WorkbookGateway } from '../workbook/gateway.js';\n"],
    ['the add-in imports common', 'addin/api/x.ts', "export type { ConnectionInfo } from '../../common/api.js';\n"],
    ['the server imports common', 'server/http/x.ts', "export type { ConnectionInfo } from '../../common/api.js';\n"],
    ['a route calls a service', 'server/http/routes/x.ts', "export type { Services } from '../../services/index.js';\n"],
  ];

  it.each(legal)('%s passes', async (_what, file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
