/** DATABASE_URL and QUEUE_WORKERS in the server settings (server/config.ts): PostgreSQL when set, SQLite otherwise. */
import { loadConfig } from '../../../server/config.js';

describe('DATABASE_URL', () => {
  it('is unset by default: the store is the SQLite file in DATA_DIR', () => {
    expect(loadConfig({}, [], '/srv').databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '  ' }, [], '/srv').databaseUrl).toBeUndefined();
  });

  it('takes a postgres:// or postgresql:// URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/companion' }, [], '/srv').databaseUrl).toBe(
      'postgres://app:pw@db:5432/companion',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/companion' }, [], '/srv').databaseUrl).toBe('postgresql://db/companion');
  });

  it('refuses anything else, saying what it wants and never repeating the value (it may hold a password)', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/companion' }, [], '/srv');
    expect(attempt).toThrow(/DATABASE_URL: a PostgreSQL URL, postgres:\/\//);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('QUEUE_WORKERS', () => {
  it("is unset by default (the queue runner's own default) and takes a whole number from 1 to 200", () => {
    expect(loadConfig({}, [], '/srv').queue.workers).toBeUndefined();
    expect(loadConfig({ QUEUE_WORKERS: '40' }, [], '/srv').queue.workers).toBe(40);
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['0', '201', '2.5', 'many']) {
      expect(() => loadConfig({ QUEUE_WORKERS: bad }, [], '/srv')).toThrow(/Invalid server settings: QUEUE_WORKERS/);
    }
  });
});
