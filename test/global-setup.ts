// Decides once per run whether the PostgreSQL half of the suite runs: it does when the server at
// TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test) answers, and the run says plainly
// when it does not.
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    redisUrl: string | null;
    /** Debian's Chromium for the browser tests, or null when the machine has none. */
    chromiumPath: string | null;
    /** Prefix of every PostgreSQL schema this run creates; they are dropped together at the end. */
    schemaPrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
  const schemaPrefix = `test_${Date.now().toString(36)}${process.pid.toString(36)}_`;
  project.provide('schemaPrefix', schemaPrefix);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresUrl', url);
    process.stdout.write(`\nDatabases: SQLite and PostgreSQL (${new URL(url).host}).\n`);
  } catch (error) {
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but ${url} did not answer: ${(error as Error).message}`);
    project.provide('postgresUrl', null);
    process.stdout.write(
      `\n*** PostgreSQL at ${new URL(url).host} did not answer (${(error as Error).message}).\n` +
      '*** Only the SQLite half of the suite runs: the PostgreSQL half was NOT run.\n\n',
    );
  } finally {
    await client.end().catch(() => {});
  }
  project.provide('redisUrl', await redisAnswers());
  project.provide('chromiumPath', chromium());
  return () => dropSchemas(url, schemaPrefix);
}

/**
 * Schemas are dropped once every test file is done: a DROP SCHEMA running beside another file's
 * migrations can fail that file's catalog introspection.
 */
async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where starts_with(nspname, $1)', [prefix]);
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    // PostgreSQL was not there, or went away: nothing to clean.
  } finally {
    await client.end().catch(() => {});
  }
}

/** CI installs Chromium (.ci/run) and must run the browser tests; elsewhere they run when it is there. */
function chromium(): string | null {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.env.CI) throw new Error(`CI must run the browser tests, but there is no Chromium at ${path} (.ci/run installs Debian's chromium).`);
  process.stdout.write(`*** No Chromium at ${path} (apt-get install chromium): the browser tests were NOT run.\n`);
  return null;
}

/** Redis backs the shared request limit when REDIS_URL is set; its test runs when a server answers. */
async function redisAnswers(): Promise<string | null> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return url;
  } catch {
    process.stdout.write(`*** Redis at ${url} did not answer: the Redis-backed request limit test was NOT run.\n`);
    return null;
  } finally {
    redis.disconnect();
  }
}
