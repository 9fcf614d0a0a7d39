/**
 * Which Tableau limits a server gets (services/tableau-limits.ts): on SQLite everything stays in the
 * process, on PostgreSQL the export slots, the VDS budget and the sessions go through the database,
 * and two stores opened on one database with one key file compute the same session keys.
 */
import { randomBytes } from 'node:crypto';

import { tableauLimitsFor } from '../../../server/services/tableau-limits.js';
import { createSecretBox } from '../../../server/store/crypto.js';
import { Limiter } from '../../../server/tableau/index.js';
import { describeEachStore } from './backends.js';
import { memoryLogger } from './tableau-shared-support.js';

const PAT = { kind: 'pat' as const, patName: 'robot', patSecret: 's3cr3t-value' };

describeEachStore('Tableau limits of a server', (backend) => {
  it('are the process’s own on SQLite and the database’s on PostgreSQL', async () => {
    const { store, sql, reopen } = await backend.open();
    const limits = tableauLimitsFor(store, memoryLogger(), { vdsQueriesPerHourPerSite: 1 });
    try {
      const release = await limits.sessions.limiter('https://x|site').acquire();
      await limits.sessions.takeVdsCall('https://x|site');
      await expect(limits.sessions.takeVdsCall('https://x|site')).rejects.toMatchObject({ code: 'vds-budget-spent' });
      const again = tableauLimitsFor((await reopen()).store, memoryLogger());
      try {
        const key = (l: typeof limits) => l.sessions.keyFor('https://x', 'site', PAT);
        if (backend.name === 'sqlite') {
          expect(limits.sessions.limiter('https://x|site')).toBeInstanceOf(Limiter);
          // One process per SQLite file: nothing to share, the fingerprint's key is random.
          expect(key(again)).not.toBe(key(limits));
        } else {
          expect(await sql.get<{ n: number }>('SELECT count(*) AS n FROM tableau_slots WHERE granted')).toEqual({ n: 1 });
          expect(await sql.get<{ n: number }>('SELECT count(*) AS n FROM tableau_vds_calls')).toEqual({ n: 1 });
          expect(key(again)).toBe(key(limits));
        }
      } finally {
        await again.close();
      }
      release();
    } finally {
      await limits.close();
    }
    if (backend.name === 'postgres') expect(await sql.get<{ n: number }>('SELECT count(*) AS n FROM tableau_slots')).toEqual({ n: 0 });
  });
});

describe('keys derived from the store key', () => {
  it('are the same for one key and purpose, and differ by purpose and from the key itself', () => {
    const key = randomBytes(32);
    const [one, again] = [createSecretBox(key), createSecretBox(Buffer.from(key))];
    const fingerprint = one.deriveKey('tableau-session-fingerprint');
    expect(fingerprint).toHaveLength(32);
    expect(again.deriveKey('tableau-session-fingerprint').equals(fingerprint)).toBe(true);
    expect(one.deriveKey('another purpose').equals(fingerprint)).toBe(false);
    expect(fingerprint.equals(key)).toBe(false);
    expect(createSecretBox(randomBytes(32)).deriveKey('tableau-session-fingerprint').equals(fingerprint)).toBe(false);
  });
});
