/**
 * Vitest globalSetup of the `store` project (vitest.config.ts): one throwaway PostgreSQL for the
 * whole run (postgres.ts), its URL provided to the tests as `postgresUrl`
 * (https://vitest.dev/config/globalsetup: provide / inject). TEST_DATABASE_URL uses a server that
 * is already running instead (a role allowed to CREATE DATABASE).
 *
 * Without PostgreSQL the Postgres tests are skipped with the reason printed — except where it is
 * required (REQUIRE_POSTGRES=1, or CI=true: .ci/run installs it), where the run fails instead.
 */
import type { TestProject } from 'vitest/node';

import { findPostgresBin, startCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose role may create databases, or null: Postgres tests skip. */
    postgresUrl: string | null;
    postgresSkipReason: string;
  }
}

const truthy = (v: string | undefined) => !!v && !['0', 'false', 'no', 'off'].includes(v.toLowerCase());

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const required = truthy(process.env.REQUIRE_POSTGRES) || (truthy(process.env.CI) && process.env.REQUIRE_POSTGRES === undefined);
  const skip = (reason: string) => {
    if (required) throw new Error(`PostgreSQL is required for this run (REQUIRE_POSTGRES or CI) but ${reason}`);
    process.stdout.write(`\n  Postgres store tests skipped: ${reason}\n\n`);
    project.provide('postgresUrl', null);
    project.provide('postgresSkipReason', reason);
    return undefined;
  };
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    project.provide('postgresSkipReason', '');
    return undefined;
  }
  const bin = findPostgresBin();
  if (!bin) return skip('no PostgreSQL found (initdb on PATH or under /usr/lib/postgresql; apt-get install postgresql).');
  let cluster;
  try {
    cluster = await startCluster(bin);
  } catch (err) {
    return skip((err as Error).message);
  }
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresSkipReason', '');
  return () => cluster.stop();
}
