/**
 * `npm run rotate-key` — rotates the key that seals the store's secrets (docs/store.md#key-rotation):
 * a new DATA_DIR/secret.key, every secret re-sealed with it in one transaction, the old key kept in
 * secret.key.previous. `npm run rotate-key -- --retire`, once every instance runs with the new key
 * files: re-seals what was written with an old key meanwhile and removes secret.key.previous.
 * Reads DATA_DIR and DATABASE_URL as the server does (server/config.ts). Prints key ids, never keys.
 */
import { loadConfig } from '../server/config.js';
import { openConfiguredStore } from '../server/store/index.js';
import { retireKeys, rotateKey } from '../server/store/rotate.js';

const USAGE = 'usage: npm run rotate-key [-- --retire]   (DATA_DIR and DATABASE_URL as for the server)';

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--retire');
  if (unknown.length > 0) {
    process.stderr.write(`rotate-key: unknown argument ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const retire = args.includes('--retire');
  const config = loadConfig(process.env, []);
  const store = await openConfiguredStore(config.dataDir, config.databaseUrl ? { databaseUrl: config.databaseUrl } : {});
  try {
    const report = retire ? await retireKeys(store, config.dataDir) : await rotateKey(store, config.dataDir);
    const lines = [
      `${retire ? 'Old keys retired' : 'Key rotated'} (${config.databaseUrl ? 'PostgreSQL' : 'SQLite'} store, data directory ${config.dataDir}).`,
      `  current key:    ${report.currentKeyId}`,
      `  kept to open:   ${report.previousKeyIds.join(', ') || '(none)'}`,
      `  re-sealed:      ${report.resealed} secrets`,
      ...(report.unreadable ? [`  unreadable:     ${report.unreadable} (sealed with a lost key; their owners must connect again)`] : []),
      ...(retire
        ? []
        : [
            '',
            'Next: copy secret.key and secret.key.previous into the data directory of every other instance',
            '(running instances pick them up), then run `npm run rotate-key -- --retire` (docs/store.md#key-rotation).',
          ]),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`rotate-key: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
