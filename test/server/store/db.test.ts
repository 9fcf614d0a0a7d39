import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { migrate, type Migration, MIGRATIONS, openDatabase, schemaVersion } from '../../../server/store/db.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'store-db-'));

describe('migrations (user_version)', () => {
  it('brings a new database to the latest version and is idempotent on reopen', () => {
    const dir = tmp();
    const db = openDatabase(dir);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['sessions', 'connections']));
    db.close();
    const again = openDatabase(dir);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it('upgrades a database whose schedule tables an earlier server made outside the migrations, keeping its rows', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 2));
    MIGRATIONS[2].up(db); // what the schedule store's CREATE TABLE IF NOT EXISTS used to do, version left at 2
    db.prepare(`INSERT INTO sessions VALUES ('s', 'h', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run();
    db.prepare(
      `INSERT INTO connections (id, session_id, label, server_url, site_content_url, auth_kind, principal, sealed_auth, created_at)
       VALUES ('c', 's', 'l', 'https://s', '', 'pat', 'p', 'v1.x', '2026-01-01T00:00:00.000Z')`,
    ).run();
    db.prepare(
      `INSERT INTO schedules VALUES ('sch', 's', 'c', 'd', 'n', '{}', NULL, '{}', NULL, 30, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    ).run();
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT id FROM schedules').pluck().all()).toEqual(['sch']);
  });

  it('gives each session of a version-4 database its own local user, keeping its connections and schedules', () => {
    const dir = tmp();
    const before = openDatabase(dir, MIGRATIONS.slice(0, 4));
    const at = '2026-01-01T00:00:00.000Z';
    before.prepare(`INSERT INTO sessions VALUES ('s', 'h', '${at}', '${at}')`).run();
    before
      .prepare(
        `INSERT INTO connections (id, session_id, label, server_url, site_content_url, auth_kind, principal, sealed_auth, created_at, resolved_server_url)
         VALUES ('c', 's', 'l', 'https://s', '', 'pat', 'p', 'v1.x', '${at}', 'https://pod.s')`,
      )
      .run();
    before.prepare(`INSERT INTO schedules VALUES ('sch', 's', 'c', 'd', 'n', '{}', NULL, '{}', NULL, 30, '${at}', '${at}', '${at}')`).run();
    before
      .prepare(
        `INSERT INTO schedule_runs (id, schedule_id, seq, trigger, status, started_at) VALUES ('r', 'sch', 1, 'manual', 'succeeded', '${at}')`,
      )
      .run();
    before.close();

    const db = openDatabase(dir);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT id, kind FROM users').all()).toEqual([{ id: 's', kind: 'local' }]);
    expect(db.prepare('SELECT id, user_id, token_hash FROM sessions').all()).toEqual([{ id: 's', user_id: 's', token_hash: 'h' }]);
    expect(db.prepare('SELECT id, user_id, principal, principal_key, resolved_server_url FROM connections').all()).toEqual([
      { id: 'c', user_id: 's', principal: 'p', principal_key: 'p', resolved_server_url: 'https://pod.s' },
    ]);
    expect(db.prepare('SELECT id, user_id, connection_id FROM schedules').all()).toEqual([{ id: 'sch', user_id: 's', connection_id: 'c' }]);
    expect(db.prepare('SELECT id FROM schedule_runs').pluck().all()).toEqual(['r']);
    // References still hold and are enforced again: deleting the user deletes down to the runs.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.prepare(`DELETE FROM users WHERE id = 's'`).run();
    for (const table of ['sessions', 'connections', 'schedules', 'schedule_runs']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    db.close();
  });

  it('applies only the migrations above the current version', () => {
    const db = new Database(':memory:');
    const applied: number[] = [];
    const steps: Migration[] = [1, 2, 3].map((version) => ({
      version,
      description: `step ${version}`,
      up: (d) => {
        applied.push(version);
        d.exec(`CREATE TABLE t${version} (x)`);
      },
    }));
    migrate(db, steps.slice(0, 2));
    expect(applied).toEqual([1, 2]);
    migrate(db, steps);
    expect(applied).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(3);
  });

  it('rolls back a failing migration and leaves the version where it was', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [
      { version: 1, description: 'ok', up: (d) => d.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        description: 'fails half way',
        up: (d) => {
          d.exec('CREATE TABLE b (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow('boom');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
  });

  it('refuses a database written by a newer server', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, MIGRATIONS)).toThrow(/newer than this server/);
  });

  it('refuses gaps in the numbering', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, description: 'gap', up: () => {} }])).toThrow(/numbered/);
  });
});
