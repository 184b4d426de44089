// DATABASE_URL -> a Kysely instance, the dialect's capabilities, and the migrations run on it.
// Code outside store/ never asks which database it talks to; it calls the Store's methods.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';
import { prepareSqliteFile, toleratingEndedTransactions } from './storage-failure.ts';
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
  /**
   * Changes whenever anything may have been written since it was last read: by this instance or by
   * any other writer of the database. `undefined` when the store cannot tell cheaply (PostgreSQL,
   * shared by instances), and then nothing is answered from memory.
   */
  changeMark(): string | undefined;
  /** Whether the database answers (for /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** PostgreSQL statement_timeout in milliseconds; a statement past it is cancelled (408). */
  readonly statementTimeoutMs?: number;
  /** SQLite: refuse to open a file another process serves (and hold it until close). For the server, not for tools. */
  readonly exclusive?: boolean;
}

export class StoreError extends Error {}

/** SQLite's page cache per connection, in KiB (the default is 2 MiB): the hot part of a big table's indexes. */
const sqliteCacheKib = 65_536;

/**
 * WAL checkpoints copy committed pages back into the database file and fsync it: tens of milliseconds
 * after a large write. SQLite runs them inside the commit that crosses `wal_autocheckpoint`, so one
 * request in a few would pay for them. A worker thread with a connection of its own runs them instead,
 * PASSIVE (never waiting for readers or the writer). The request connection keeps a far higher
 * automatic threshold as a backstop, should the worker ever stop.
 */
const checkpointEveryMs = 200;
const backstopWalPages = 25_000;

const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 0');
let stopped = false;
const timer = setInterval(() => {
  if (stopped) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.everyMs);
parentPort.on('message', () => { stopped = true; clearInterval(timer); db.close(); parentPort.close(); });
`;

function startCheckpointer(filename: string, onStopped: () => void): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(checkpointerSource, { eval: true, workerData: { filename, driver, everyMs: checkpointEveryMs } });
  worker.unref();
  let exited = false;
  let stopping = false;
  const exit = new Promise<void>((done) => worker.once('exit', () => {
    exited = true;
    // Stopped by anything but stop(): the request connection checkpoints as SQLite does by default.
    if (!stopping) onStopped();
    done();
  }));
  // A failed checkpointer must not take the server down; its exit hands checkpoints back.
  worker.on('error', () => {});
  return {
    stop: async () => {
      stopping = true;
      if (exited) return;
      // Held again while it closes its connection, or the process could end before that.
      worker.ref();
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}

function openSqlite(url: string, options: ConnectOptions): Store {
  const filename = url === ':memory:' ? ':memory:' : resolve(url.replace(/^sqlite:(\/\/)?/, ''));
  const releaseFile = filename === ':memory:' ? () => {} : prepareSqliteFile(filename, options.exclusive ?? false);
  const database = new SqliteDatabase(filename);
  // WAL keeps readers off the writer's back; NORMAL sync is durable against a process crash
  // (kill -9), which is the failure the contract names.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma(`cache_size = -${sqliteCacheKib}`);
  const checkpointer = filename === ':memory:'
    ? undefined
    : startCheckpointer(filename, () => {
      if (database.open) database.pragma('wal_autocheckpoint = 1000');
    });
  if (checkpointer) database.pragma(`wal_autocheckpoint = ${backstopWalPages}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: toleratingEndedTransactions(database) }) });
  // data_version moves when another connection commits; total_changes counts every row this
  // connection has inserted, updated or deleted, committed or not. A rollback leaves the count
  // moved: a needless change, never a missed one.
  const dataVersion = database.prepare('pragma data_version').pluck();
  const totalChanges = database.prepare('select total_changes()').pluck();
  return {
    db,
    capabilities: { sequenceColumn: 'sqlite' },
    changeMark: () => `${dataVersion.get() as number}:${totalChanges.get() as number}`,
    description: filename === ':memory:' ? 'SQLite in memory' : `SQLite at ${filename}`,
    // One connection, one writer: Kysely runs SQLite transactions one at a time already.
    lockChains: async () => {},
    rateWindows: (setting) => memoryRateWindows(setting),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
      releaseFile();
    },
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
  // The same for a client in use when the connection drops: its query fails, the process stays up.
  pool.on('connect', (client) => client.on('error', () => {}));
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
    changeMark: () => undefined,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export async function connect(url: string, options: ConnectOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  return openSqlite(url, options);
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
