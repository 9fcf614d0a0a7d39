import { parseArgs } from 'node:util';

import { createSimulator } from './index.js';

/**
 * `npm run sim -- --port <n> [--product-version 2025.3.0] [--dataset file.csv]... [--large-workbooks 10000]
 *   [--latency-ms 50] [--session-idle-minutes 240] [--vds-disabled] [--metadata-disabled] [--export-limit 20|off]`
 * Serves the demo site and prints ONE line of JSON: url, site contentUrl, patName, patSecret.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'product-version': { type: 'string', default: '2026.1.0' },
      dataset: { type: 'string', multiple: true, default: [] },
      'large-workbooks': { type: 'string' },
      'session-idle-minutes': { type: 'string' },
      'vds-disabled': { type: 'boolean', default: false },
      'metadata-disabled': { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'export-limit': { type: 'string' },
    },
    strict: true,
  });
  const int = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
    return Number(raw);
  };
  const large = int('large-workbooks', values['large-workbooks']);
  const latency = int('latency-ms', values['latency-ms']);
  // Tableau Cloud's 20 concurrent exports per site by default (exports.ts); `off` for a server without that limit.
  const exportLimit = values['export-limit'] === 'off' ? null : int('export-limit', values['export-limit']);
  if (exportLimit === 0) throw new Error("--export-limit must be at least 1 (or 'off')");
  const sim = await createSimulator({
    port: int('port', values.port),
    host: values.host,
    productVersion: values['product-version'],
    csvDatasets: values.dataset,
    site: large ? { largeWorkbooks: large } : 'demo',
    sessionIdleMinutes: int('session-idle-minutes', values['session-idle-minutes']),
    vdsEnabled: !values['vds-disabled'],
    metadataEnabled: !values['metadata-disabled'],
    faults: latency ? [{ kind: 'latency', ms: latency }] : [],
    ...(exportLimit !== undefined ? { exportLimit } : {}),
  });
  process.stdout.write(
    `${JSON.stringify({ url: sim.url, contentUrl: sim.demo.siteContentUrl, siteId: sim.demo.siteId, patName: sim.demo.patName, patSecret: sim.demo.patSecret })}\n`,
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`tableau simulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
