// DATABASE_URL -> a Kysely instance, the dialect's capabilities, and the migrations run on it.
// Code outside store/ never asks which database it talks to; it calls the Store's methods.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';
import { memoryRateWindows, postgresRateWindows, type RateWindows, type RateWindowSetting } from './rate-windows.ts';

export interface Capabilities {
  /** How an auto-incrementing `seq` column is declared. */
  readonly sequenceColumn: 'sqlite' | 'postgres';
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** A human description for logs, without credentials. */
  readonly description: string;
  /** The PostgreSQL schema the tables live in, when DATABASE_URL names one. */
  readonly schema?: string;
  /**
   * Serializes writes to these chains across every instance sharing the database, for the rest of
   * the transaction. Every business rule of the contract lives inside one chain, so with this lock
   * the rule checks cannot race; the partial unique indexes remain as the last line.
   */
  lockChains(trx: Kysely<Database>, chainIds: readonly string[]): Promise<void>;
  /** Request-limit windows as shared as this database is: per process on SQLite, per database on PostgreSQL. */
  rateWindows(setting: RateWindowSetting): RateWindows;
  /** Whether the database answers (for /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** PostgreSQL statement_timeout in milliseconds; a statement past it is cancelled (408). */
  readonly statementTimeoutMs?: number;
}

export class StoreError extends Error {}

function openSqlite(url: string): Store {
  const filename = url === ':memory:' ? ':memory:' : resolve(url.replace(/^sqlite:(\/\/)?/, ''));
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  // WAL keeps readers off the writer's back; NORMAL sync is durable against a process crash
  // (kill -9), which is the failure the contract names.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    capabilities: { sequenceColumn: 'sqlite' },
    description: filename === ':memory:' ? 'SQLite in memory' : `SQLite at ${filename}`,
    // One connection, one writer: Kysely runs SQLite transactions one at a time already.
    lockChains: async () => {},
    rateWindows: (setting) => memoryRateWindows(setting),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * `postgres://user@host:port/db?schema=name`: the optional `schema` parameter (ours, not libpq's)
 * puts every table in that schema, created when missing; tests use one schema per run.
 */
async function openPostgres(url: string, options: ConnectOptions): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('DATABASE_URL: schema must be a lowercase identifier (letters, digits, underscores)');
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A pool error (the server went away) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  if (schema) {
    const client = await pool.connect().catch((error: Error) => {
      throw new StoreError(`cannot connect to PostgreSQL at ${parsed.host}: ${error.message}`);
    });
    try {
      // Instances starting together would race on "if not exists"; the lock makes them take turns.
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtextextended('loyalty-connector:create-schema', 0))`);
      await client.query(`create schema if not exists "${schema}"`);
      await client.query('commit');
    } finally {
      client.release();
    }
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError(`cannot connect to PostgreSQL at ${parsed.host}: ${(error as Error).message}`);
  }
  return {
    db,
    capabilities: { sequenceColumn: 'postgres' },
    description: `PostgreSQL at ${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`,
    ...(schema ? { schema } : {}),
    async lockChains(trx, chainIds) {
      // Sorted, so two requests locking overlapping chains cannot deadlock.
      for (const chainId of [...new Set(chainIds)].sort()) {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`chain:${chainId}`}, 0))`.execute(trx);
      }
    },
    rateWindows: (setting) => postgresRateWindows(db, setting),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export async function connect(url: string, options: ConnectOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  return openSqlite(url);
}

/**
 * Brings the schema up to date; run on every start. On PostgreSQL Kysely's migrator holds an
 * advisory lock, so instances starting together migrate once. On SQLite, whose Kysely adapter takes
 * no lock, the whole run is one BEGIN IMMEDIATE transaction: a second process waits for the first.
 */
export async function migrate(store: Store): Promise<void> {
  const sqlite = store.capabilities.sequenceColumn === 'sqlite';
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.capabilities),
    // Kysely looks its bookkeeping tables up by schema; without this it would look in `public`.
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
    ...(sqlite ? { disableTransactions: true } : {}),
  });
  if (sqlite) await sql`begin immediate`.execute(store.db);
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    if (sqlite) await sql`rollback`.execute(store.db);
    throw error;
  }
  if (sqlite) await sql.raw(outcome.error ? 'rollback' : 'commit').execute(store.db);
  const { error, results } = outcome;
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new StoreError(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
