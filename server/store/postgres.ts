/**
 * The store on PostgreSQL (DATABASE_URL): the same stores as SQLite (sql.ts), over a node-postgres
 * pool (https://node-postgres.com/apis/pool), with its own versioned migrations.
 *
 * Several server instances start at once on one database (issue #17), so migrating takes a
 * session-level advisory lock first (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS):
 * the first instance migrates, the others wait and then find nothing left to do. Each migration
 * and its schema_migrations row commit in one transaction (PostgreSQL's DDL is transactional).
 */
import pg from 'pg';

import { inTransaction } from './pg-transaction.js';
import { FAIL_OLDER_RUNNING_RUNS } from './running-runs.js';
import type { Sql, SqlParam } from './sql.js';

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

/** The SQLite schema (db.ts) in PostgreSQL's own types: timestamptz, jsonb, bytea, boolean. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'sessions, connections, schedules, runs and snapshot batches',
    sql: `
      CREATE TABLE sessions (
        id           text PRIMARY KEY,
        token_hash   text NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL
      );
      CREATE TABLE connections (
        id                  text PRIMARY KEY,
        session_id          text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        label               text NOT NULL,
        server_url          text NOT NULL,
        resolved_server_url text,
        site_content_url    text NOT NULL,
        auth_kind           text NOT NULL,
        principal           text NOT NULL,
        sealed_auth         text NOT NULL,
        product_version     text,
        rest_api_version    text,
        created_at          timestamptz NOT NULL
      );
      CREATE INDEX connections_by_session ON connections(session_id);
      CREATE TABLE schedules (
        id            text PRIMARY KEY,
        session_id    text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        definition_id text NOT NULL,
        name          text NOT NULL,
        source_json   jsonb NOT NULL,
        options_json  jsonb,
        spec_json     jsonb NOT NULL,
        webhook_url   text,
        history_limit integer NOT NULL,
        last_slot_at  timestamptz NOT NULL,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      );
      CREATE INDEX schedules_by_session ON schedules(session_id);
      CREATE TABLE schedule_runs (
        id            text PRIMARY KEY,
        schedule_id   text NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        seq           integer NOT NULL,
        trigger       text NOT NULL,
        status        text NOT NULL,
        scheduled_for timestamptz,
        missed        integer,
        started_at    timestamptz NOT NULL,
        finished_at   timestamptz,
        duration_ms   bigint,
        row_count     bigint,
        truncated     boolean,
        batch_count   integer,
        stored_bytes  bigint,
        columns_json  jsonb,
        source        text,
        warnings_json jsonb,
        error_json    jsonb,
        UNIQUE (schedule_id, seq)
      );
      CREATE INDEX schedule_runs_running ON schedule_runs(id) WHERE status = 'running';
      CREATE TABLE snapshot_batches (
        run_id    text NOT NULL REFERENCES schedule_runs(id) ON DELETE CASCADE,
        seq       integer NOT NULL,
        row_count integer NOT NULL,
        data      bytea NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    version: 2,
    description: 'one saved connection per session, server, site and principal (db.ts migration 4)',
    sql: 'CREATE UNIQUE INDEX connections_identity ON connections(session_id, server_url, site_content_url, auth_kind, principal);',
  },
  {
    version: 3,
    // db.ts migration 5 (the reasons are there): each existing session becomes its own local user
    // (the same id) and keeps what it had; a team user is a proven Tableau identity.
    description: 'users own sessions, connections and schedules (db.ts migration 5)',
    sql: `
      CREATE TABLE users (
        id              text PRIMARY KEY,
        kind            text NOT NULL,
        server_url      text,
        site_id         text,
        tableau_user_id text,
        created_at      timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX users_identity ON users(server_url, site_id, tableau_user_id);
      INSERT INTO users (id, kind, created_at) SELECT id, 'local', created_at FROM sessions;

      ALTER TABLE sessions ADD COLUMN user_id text REFERENCES users(id) ON DELETE CASCADE;
      UPDATE sessions SET user_id = id;
      ALTER TABLE sessions ALTER COLUMN user_id SET NOT NULL;
      CREATE INDEX sessions_by_user ON sessions(user_id);

      ALTER TABLE connections ADD COLUMN user_id text REFERENCES users(id) ON DELETE CASCADE;
      ALTER TABLE connections ADD COLUMN principal_key text;
      UPDATE connections SET user_id = session_id, principal_key = principal;
      ALTER TABLE connections ALTER COLUMN user_id SET NOT NULL;
      ALTER TABLE connections ALTER COLUMN principal_key SET NOT NULL;
      DROP INDEX connections_identity;
      DROP INDEX connections_by_session;
      ALTER TABLE connections DROP COLUMN session_id;
      CREATE INDEX connections_by_user ON connections(user_id);
      CREATE UNIQUE INDEX connections_identity ON connections(user_id, server_url, site_content_url, auth_kind, principal_key);

      ALTER TABLE schedules ADD COLUMN user_id text REFERENCES users(id) ON DELETE CASCADE;
      UPDATE schedules SET user_id = session_id;
      ALTER TABLE schedules ALTER COLUMN user_id SET NOT NULL;
      DROP INDEX schedules_by_session;
      ALTER TABLE schedules DROP COLUMN session_id;
      CREATE INDEX schedules_by_user ON schedules(user_id);
    `,
  },
  {
    version: 4,
    description: "a run's queue job and attempt (db.ts migration 6; docs/queue.md)",
    sql: `
      ALTER TABLE schedule_runs ADD COLUMN job_id text;
      ALTER TABLE schedule_runs ADD COLUMN attempt integer;
      CREATE INDEX schedule_runs_by_job ON schedule_runs(job_id) WHERE job_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    // Tableau's limits held across instances (docs/limits-across-instances.md): the export/VDS slot
    // leases and waiting tickets of each site (granted = holding a slot; the smallest id waits
    // longest), the VDS calls of the last hour per site, and the Tableau sessions (sealed token).
    description: "Tableau's export slots, VDS budget and sessions shared by every instance",
    sql: `
      CREATE TABLE tableau_slots (
        id         bigserial PRIMARY KEY,
        site       text NOT NULL,
        holder     text NOT NULL,
        granted    boolean NOT NULL DEFAULT false,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX tableau_slots_by_site ON tableau_slots(site, id);
      CREATE TABLE tableau_vds_calls (
        site text NOT NULL,
        at   timestamptz NOT NULL
      );
      CREATE INDEX tableau_vds_calls_by_site ON tableau_vds_calls(site, at);
      CREATE TABLE tableau_sessions (
        key        text PRIMARY KEY,
        sealed     text NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        used_at    timestamptz NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'Tableau refresh webhooks and the events they delivered (db.ts migration 7; docs/tableau-events.md)',
    sql: `
      CREATE TABLE tableau_webhooks (
        id            text PRIMARY KEY,
        user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        site_luid     text NOT NULL,
        event         text NOT NULL,
        webhook_id    text NOT NULL,
        token_hash    text NOT NULL,
        created_at    timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX tableau_webhooks_identity ON tableau_webhooks(connection_id, event);
      CREATE TABLE tableau_events_seen (
        registration_id text NOT NULL REFERENCES tableau_webhooks(id) ON DELETE CASCADE,
        event_key       text NOT NULL,
        received_at     timestamptz NOT NULL,
        PRIMARY KEY (registration_id, event_key)
      );
      CREATE INDEX tableau_events_seen_by_time ON tableau_events_seen(received_at);
    `,
  },
  {
    version: 7,
    description: 'what a run changed since the one before (db.ts migration 8)',
    sql: 'ALTER TABLE schedule_runs ADD COLUMN changes_json text;',
  },
  {
    version: 8,
    description: 'one running run per schedule (db.ts migration 9, the reasons are there)',
    sql: `
      ${FAIL_OLDER_RUNNING_RUNS}
      CREATE UNIQUE INDEX schedule_runs_one_running ON schedule_runs(schedule_id) WHERE status = 'running';
    `,
  },
  {
    version: 9,
    // One round trip per grant of export slots (tableau-slots.ts): the advisory lock, the expired
    // leases and the grant ran as five statements of a client transaction, holding the site's lock
    // across the client's round trips (and its event loop, busy on a loaded instance). In a
    // VOLATILE function each statement takes a fresh snapshot under READ COMMITTED, so after the
    // lock it sees every grant committed before
    // (https://www.postgresql.org/docs/current/xfunc-volatility.html); the transaction-level lock
    // ends when the calling statement's transaction commits.
    description: "export slots granted in one call (tableau_slots_grant; db.ts has no counterpart: SQLite's slots are in process)",
    sql: `
      CREATE FUNCTION tableau_slots_grant(p_site text, p_max int, p_lease_ms int, p_ids bigint[], p_lock_space int, p_lock_key int)
      RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        expired int;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_space, p_lock_key);
        DELETE FROM tableau_slots WHERE site = p_site AND expires_at < now();
        GET DIAGNOSTICS expired = ROW_COUNT;
        -- Leases of a dead instance came back: the other instances' waiters may use them too.
        IF expired > 0 THEN
          PERFORM pg_notify('tableau_slots', p_site);
        END IF;
        RETURN QUERY
          WITH live AS (SELECT id, granted FROM tableau_slots WHERE site = p_site),
               free AS (SELECT p_max - count(*) FILTER (WHERE granted) AS n FROM live),
               queue AS (SELECT id, row_number() OVER (ORDER BY id) AS pos FROM live WHERE NOT granted)
          UPDATE tableau_slots AS s
             SET granted = true, expires_at = now() + p_lease_ms * interval '1 millisecond'
            FROM queue, free
           WHERE s.id = queue.id AND queue.pos <= free.n AND s.id = ANY(p_ids)
          RETURNING s.id;
      END
      $fn$;
    `,
  },
  {
    version: 10,
    // A ticket and its first grant in one round trip (tableau-slots.ts acquire): the burst of
    // scheduled runs (bench/team.ts) asked for a ticket, then for its grant, two statements per
    // export call. Inside the function the grant sees the ticket just inserted (each statement of
    // a VOLATILE function sees the effects of the ones before it:
    // https://www.postgresql.org/docs/current/xfunc-volatility.html); the ticket keeps its place in
    // line (its bigserial id) exactly as a separate insert did.
    description:
      "an export slot ticket taken and granted in one call (tableau_slots_take; db.ts has no counterpart: SQLite's slots are in process)",
    sql: `
      CREATE FUNCTION tableau_slots_take(p_site text, p_holder text, p_max int, p_lease_ms int, p_lock_space int, p_lock_key int)
      RETURNS TABLE (ticket bigint, granted boolean) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        v_ticket bigint;
      BEGIN
        INSERT INTO tableau_slots (site, holder, expires_at)
          VALUES (p_site, p_holder, now() + p_lease_ms * interval '1 millisecond')
          RETURNING tableau_slots.id INTO v_ticket;
        RETURN QUERY SELECT v_ticket,
          EXISTS (SELECT 1 FROM tableau_slots_grant(p_site, p_max, p_lease_ms, ARRAY[v_ticket], p_lock_space, p_lock_key));
      END
      $fn$;
    `,
  },
  {
    version: 11,
    // A killed instance's tickets and slots stood in line until their lease ran out (30 s). Each
    // instance now holds a session-level advisory lock (7231022, holder_key) on its listening
    // connection (tableau-slots.ts); PostgreSQL releases it the moment that connection ends
    // (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). A grant tries
    // each holder_key of the site once with pg_try_advisory_xact_lock: taken = nobody holds it = the
    // instance is gone, and its rows go at once. A live instance's lock makes the try fail, so its
    // rows stay. Rows without a key (an instance that could not take one) keep the lease alone.
    description:
      "export slots of a dead instance freed at once (holder_key and its liveness lock; db.ts has no counterpart: SQLite's slots are in process)",
    sql: `
      ALTER TABLE tableau_slots ADD COLUMN holder_key int;
      CREATE OR REPLACE FUNCTION tableau_slots_grant(p_site text, p_max int, p_lease_ms int, p_ids bigint[], p_lock_space int, p_lock_key int)
      RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        gone int;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_space, p_lock_key);
        DELETE FROM tableau_slots
         WHERE site = p_site
           AND (expires_at < now()
                OR holder_key IN (SELECT k FROM (SELECT DISTINCT holder_key AS k FROM tableau_slots
                                                  WHERE site = p_site AND holder_key IS NOT NULL) AS keys
                                   WHERE pg_try_advisory_xact_lock(7231022, k)));
        GET DIAGNOSTICS gone = ROW_COUNT;
        -- Leases of a dead instance came back: the other instances' waiters may use them too.
        IF gone > 0 THEN
          PERFORM pg_notify('tableau_slots', p_site);
        END IF;
        RETURN QUERY
          WITH live AS (SELECT id, granted FROM tableau_slots WHERE site = p_site),
               free AS (SELECT p_max - count(*) FILTER (WHERE granted) AS n FROM live),
               queue AS (SELECT id, row_number() OVER (ORDER BY id) AS pos FROM live WHERE NOT granted)
          UPDATE tableau_slots AS s
             SET granted = true, expires_at = now() + p_lease_ms * interval '1 millisecond'
            FROM queue, free
           WHERE s.id = queue.id AND queue.pos <= free.n AND s.id = ANY(p_ids)
          RETURNING s.id;
      END
      $fn$;
      DROP FUNCTION tableau_slots_take(text, text, int, int, int, int);
      CREATE FUNCTION tableau_slots_take(p_site text, p_holder text, p_max int, p_lease_ms int, p_lock_space int, p_lock_key int, p_holder_key int)
      RETURNS TABLE (ticket bigint, granted boolean) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        v_ticket bigint;
      BEGIN
        INSERT INTO tableau_slots (site, holder, holder_key, expires_at)
          VALUES (p_site, p_holder, p_holder_key, now() + p_lease_ms * interval '1 millisecond')
          RETURNING tableau_slots.id INTO v_ticket;
        RETURN QUERY SELECT v_ticket,
          EXISTS (SELECT 1 FROM tableau_slots_grant(p_site, p_max, p_lease_ms, ARRAY[v_ticket], p_lock_space, p_lock_key));
      END
      $fn$;
    `,
  },
  {
    version: 12,
    description: 'the health of each Tableau refresh webhook (db.ts migration 10)',
    sql: 'ALTER TABLE tableau_webhooks ADD COLUMN health_json text;',
  },
  {
    version: 13,
    // Grant on release (tableau-slots.ts, docs/limits-across-instances.md): a release NOTIFYed every
    // instance and each ran a grant of its own waiters, so one freed slot cost up to one statement
    // per instance (bench/team.ts: 0.7 grants per run, each serialised on the site's lock). Now
    // whoever frees a slot, or takes a ticket, or polls, hands every free slot to the oldest waiting
    // tickets of the site whichever instance holds them (FIFO by ticket, as before), in the same
    // statement, and tells only the instance whose ticket was granted, on its own channel
    // (tableau_slots_<holder_key>, the key of its liveness lock, migration 11;
    // https://www.postgresql.org/docs/current/sql-notify.html): the others are not woken and run
    // nothing. The caller's own tickets come back in the answer instead of a notification.
    // A FOR … IN UPDATE … RETURNING loop in PL/pgSQL:
    // https://www.postgresql.org/docs/current/plpgsql-control-structures.html#PLPGSQL-RECORDS-ITERATING.
    // Generic plans: PL/pgSQL caches each statement's plan but, by default, re-plans a statement
    // whose generic plan looks costlier than its custom ones (a LIMIT of a variable, an ANY of an
    // array: https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING,
    // plan_cache_mode: https://www.postgresql.org/docs/current/runtime-config-query.html#GUC-PLAN-CACHE-MODE);
    // these statements touch a handful of rows through their indexes whatever the values, and the
    // re-planning cost ~15 % of PostgreSQL's CPU per slot taken and released (measured side by side,
    // 2,000 slots over 3 pools: 0.93 → 0.77 ms; docs/limits-across-instances.md).
    description:
      "export slots handed to the oldest waiting ticket as they free, its instance alone told (db.ts has no counterpart: SQLite's slots are in process)",
    sql: `
      DROP FUNCTION tableau_slots_take(text, text, int, int, int, int, int);
      DROP FUNCTION tableau_slots_grant(text, int, int, bigint[], int, int);
      -- The hand-out reads only the site's granted rows (to count them) and, when a slot is free,
      -- the oldest waiting tickets: an index for each, so that it never walks the whole site.
      DROP INDEX tableau_slots_by_site;
      CREATE INDEX tableau_slots_granted ON tableau_slots(site) WHERE granted;
      CREATE INDEX tableau_slots_waiting ON tableau_slots(site, id) WHERE NOT granted;
      CREATE FUNCTION tableau_slots_hand_out(p_site text, p_max int, p_lease_ms int, p_lock_space int, p_lock_key int, p_own_key int)
      RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_free int;
        v_id bigint;
        v_key int;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_space, p_lock_key);
        SELECT p_max - count(*) INTO v_free FROM tableau_slots WHERE site = p_site AND granted;
        IF v_free <= 0 THEN
          RETURN;
        END IF;
        FOR v_id, v_key IN
          UPDATE tableau_slots AS s
             SET granted = true, expires_at = now() + p_lease_ms * interval '1 millisecond'
           WHERE s.id IN (SELECT id FROM tableau_slots WHERE site = p_site AND NOT granted ORDER BY id LIMIT v_free)
          RETURNING s.id, s.holder_key
        LOOP
          IF v_key IS NOT DISTINCT FROM p_own_key THEN
            RETURN NEXT v_id;
          ELSIF v_key IS NOT NULL THEN
            PERFORM pg_notify('tableau_slots_' || v_key, v_id::text);
          END IF;
          -- A ticket without a key (its instance holds no liveness lock) is found by that instance's poll.
        END LOOP;
      END
      $fn$;
      -- Expired leases, and the rows of instances whose liveness lock is free (they are gone); the
      -- caller's own key is alive (it is calling). Run by the polls of waiting instances, not at every
      -- take and release: it reads every row of the site.
      CREATE FUNCTION tableau_slots_sweep(p_site text, p_lock_space int, p_lock_key int, p_own_key int)
      RETURNS void LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_space, p_lock_key);
        DELETE FROM tableau_slots
         WHERE site = p_site
           AND (expires_at < now()
                OR holder_key IN (SELECT k FROM (SELECT DISTINCT holder_key AS k FROM tableau_slots
                                                  WHERE site = p_site AND holder_key IS NOT NULL
                                                    AND holder_key IS DISTINCT FROM p_own_key) AS keys
                                   WHERE pg_try_advisory_xact_lock(7231022, k)));
      END
      $fn$;
      CREATE FUNCTION tableau_slots_take(p_site text, p_holder text, p_max int, p_lease_ms int, p_lock_space int, p_lock_key int, p_holder_key int)
      RETURNS TABLE (ticket bigint, granted bigint[]) LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_ticket bigint;
      BEGIN
        INSERT INTO tableau_slots (site, holder, holder_key, expires_at)
          VALUES (p_site, p_holder, p_holder_key, now() + p_lease_ms * interval '1 millisecond')
          RETURNING tableau_slots.id INTO v_ticket;
        RETURN QUERY SELECT v_ticket,
          ARRAY(SELECT tableau_slots_hand_out(p_site, p_max, p_lease_ms, p_lock_space, p_lock_key, p_holder_key));
      END
      $fn$;
      CREATE FUNCTION tableau_slots_release(p_site text, p_ids bigint[], p_max int, p_lease_ms int, p_lock_space int, p_lock_key int, p_own_key int)
      RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_freed boolean;
      BEGIN
        WITH gone AS (DELETE FROM tableau_slots WHERE id = ANY(p_ids) AND site = p_site RETURNING granted)
        SELECT bool_or(gone.granted) INTO v_freed FROM gone;
        -- A waiting ticket (a caller that gave up) or a row already gone frees no slot.
        IF v_freed THEN
          RETURN QUERY SELECT tableau_slots_hand_out(p_site, p_max, p_lease_ms, p_lock_space, p_lock_key, p_own_key);
        END IF;
      END
      $fn$;
      CREATE FUNCTION tableau_slots_poll(p_site text, p_ids bigint[], p_max int, p_lease_ms int, p_lock_space int, p_lock_key int, p_own_key int)
      RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      BEGIN
        PERFORM tableau_slots_sweep(p_site, p_lock_space, p_lock_key, p_own_key);
        PERFORM tableau_slots_hand_out(p_site, p_max, p_lease_ms, p_lock_space, p_lock_key, p_own_key);
        -- Granted by this call, or earlier by another instance whose notification was lost.
        RETURN QUERY SELECT id FROM tableau_slots WHERE id = ANY(p_ids) AND tableau_slots.granted;
      END
      $fn$;
    `,
  },
  {
    version: 14,
    // The takes and releases of one instance gathered into one statement (tableau-slots.ts,
    // docs/limits-across-instances.md): each was a statement of its own, two per export, each
    // serialised on the site's advisory lock (bench/team.ts: tableau_slots_take 1.4 ms mean). Now an
    // instance sends what its callers asked meanwhile in one call, while its previous call is on
    // its way: the rows released go, the new tickets are inserted (one INSERT … SELECT, answered
    // in id order; the client hands them to its callers in the order they asked), and one
    // hand-out (migration 13's, unchanged: the oldest waiting tickets of the site first, whichever
    // instance holds them, never more than p_max granted) serves them all.
    description: "export slots taken and released several at a time per instance (db.ts has no counterpart: SQLite's slots are in process)",
    sql: `
      CREATE FUNCTION tableau_slots_exchange(p_site text, p_holder text, p_release bigint[], p_take int, p_max int, p_lease_ms int,
                                             p_lock_space int, p_lock_key int, p_holder_key int)
      RETURNS TABLE (tickets bigint[], granted bigint[]) LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_freed boolean := false;
        v_tickets bigint[] := '{}';
      BEGIN
        IF cardinality(p_release) > 0 THEN
          WITH gone AS (DELETE FROM tableau_slots WHERE id = ANY(p_release) AND site = p_site RETURNING tableau_slots.granted)
          SELECT COALESCE(bool_or(gone.granted), false) INTO v_freed FROM gone;
        END IF;
        IF p_take > 0 THEN
          WITH made AS (
            INSERT INTO tableau_slots (site, holder, holder_key, expires_at)
            SELECT p_site, p_holder, p_holder_key, now() + p_lease_ms * interval '1 millisecond' FROM generate_series(1, p_take)
            RETURNING tableau_slots.id)
          SELECT array_agg(made.id ORDER BY made.id) INTO v_tickets FROM made;
        END IF;
        -- A ticket taken, or a slot freed: hand out. A waiting ticket given up (or a row gone already) frees nothing.
        IF p_take > 0 OR v_freed THEN
          RETURN QUERY SELECT v_tickets, ARRAY(SELECT tableau_slots_hand_out(p_site, p_max, p_lease_ms, p_lock_space, p_lock_key, p_holder_key));
        ELSE
          RETURN QUERY SELECT v_tickets, '{}'::bigint[];
        END IF;
      END
      $fn$;
    `,
  },
];

/** Any constant shared by every instance of this server; it names "migrating the store". */
const MIGRATION_LOCK = 7_231_017;

const TIMESTAMPTZ = 1184;
const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;

/**
 * Rows come back as sql.ts promises: ISO timestamps (ms, as written), bigints as numbers (row
 * counts and bytes stay far below 2^53), JSON as its text. Per pool, never pg's global parsers:
 * other code in the process (a job queue) keeps pg's defaults.
 */
const rowTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMPTZ) {
      const parseDate = pg.types.getTypeParser(TIMESTAMPTZ, 'text');
      return (value: string) => (parseDate(value) as Date).toISOString();
    }
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === JSON_OID || oid === JSONB) return (value: string) => value;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** `max`: connections at most (node-postgres' default is 10). */
export function createPool(url: string, onIdleError?: (err: Error) => void, max?: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, types: rowTypes, ...(max ? { max } : {}) });
  // An idle client's connection can drop (a database restart): without a listener that error
  // would end the process (https://node-postgres.com/apis/pool#error). The next query reconnects.
  pool.on('error', (err) => onIdleError?.(err));
  return pool;
}

/** `?` placeholders become `$1, $2, …` (the stores' SQL holds no `?` in string literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The stores' statements as node-postgres query configs, each store statement a named prepared
 * statement: node-postgres prepares a named statement once per connection and then only binds and
 * executes it (https://node-postgres.com/features/queries#prepared-statements), so PostgreSQL
 * parses and plans it once instead of at every call (a burst of scheduled runs: ~11 statements
 * each, bench/team.ts). The texts are the stores' own, a few dozen; those with long `IN (?, …)`
 * lists (one text per length) and any beyond PREPARED_CAP go unnamed. A pooler in front of
 * PostgreSQL must keep prepared statements per client (PgBouncer: session mode, or
 * max_prepared_statements, https://www.pgbouncer.org/config.html#max_prepared_statements). A
 * prepared `SELECT *` fails once a newer server adds a column ("cached plan must not change result
 * type", https://www.postgresql.org/docs/current/sql-prepare.html) on a connection of an older
 * instance: every instance is upgraded together (docs/deploy.md).
 */
const PREPARED_CAP = 200;
const PREPARED_MAX_PARAMS = 32;
const statements = new Map<string, { text: string; name?: string }>();

function statement(sql: string): { text: string; name?: string } {
  let known = statements.get(sql);
  if (!known) {
    const text = numbered(sql);
    const params = (text.match(/\$\d+/g) ?? []).length;
    known = statements.size < PREPARED_CAP && params <= PREPARED_MAX_PARAMS ? { text, name: `store_${statements.size + 1}` } : { text };
    if (statements.size < PREPARED_CAP * 4) statements.set(sql, known);
  }
  return known;
}

export function postgresSql(pool: pg.Pool): Sql {
  const query = (sql: string, params: readonly SqlParam[] = []) => pool.query({ ...statement(sql), values: params as SqlParam[] });
  return {
    all: async <Row>(sql: string, params?: readonly SqlParam[]) => (await query(sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlParam[]) => (await query(sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    atomically: (list) =>
      inTransaction(pool, async (client) => {
        for (const [sql, params] of list) await client.query({ ...statement(sql), values: params as SqlParam[] });
      }),
    modifyingWith: true,
  };
}

/** Migrates to the latest version under the advisory lock; resolves with the version reached. */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1..n (found ${m.version} at ${i + 1}).`);
  });
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        description text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
      const current = Number((await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0].v);
      if (current > ordered.length) {
        throw new Error(
          `The database is at schema version ${current}, newer than this server knows (${ordered.length}). ` +
            'Upgrade the server or use another DATABASE_URL.',
        );
      }
      for (const m of ordered.slice(current)) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
      return Math.max(current, ordered.length);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
