// SQLite: one connection (one writer), WAL, and a checkpointer thread.
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely';
import { startCheckpointer } from './checkpointer.ts';
import { SqliteReaders } from './sqlite-readers.ts';
import type { Database } from './database.ts';
import { memoryRateWindows } from './rate-windows.ts';
import { prepareSqliteFile } from './storage-failure.ts';
import type { ConnectOptions, Store } from './store.ts';

/**
 * SQLite's page cache per connection, in KiB (SQLite's default is 2 MiB): the upper levels of the big
 * indexes and an add's pages. Pages beyond it come from the operating system's file cache; at a
 * million memberships reads cost the same with 16 and 64 MiB (BENCHMARKS.md), and the memory is the
 * process's.
 */
const sqliteCacheKib = 16_384;

/**
 * Each reader thread's page cache, in KiB: the upper levels of the indexes a page descends. A million
 * memberships read as fast with 4 MiB as with 16 (BENCHMARKS.md); the rest is the OS file cache.
 */
const readerCacheKib = 4_096;

/**
 * The request connection's automatic checkpoint threshold while the checkpointer runs: far higher than
 * SQLite's 1000 pages, a backstop should the worker ever stop.
 */
const backstopWalPages = 25_000;

/**
 * Prepared statements kept by SQL text. The hot queries differ only in their parameters (id lists
 * travel as one JSON parameter), so a few hundred texts cover every shape; compiling one again costs
 * more than many a lookup it runs. Least recently used texts go first.
 */
const statementCacheSize = 500;

const endedTransactionRollback = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) } as unknown as SqliteStatement;

/** The database as Kysely's SQLite driver sees it, with `prepare` answering cached statements. */
function withStatementCache(database: SqliteDatabase.Database, capacity: number): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (text) => {
      // SQLite ends a transaction by itself on a full disk or an I/O error; Kysely's ROLLBACK would
      // then fail with "no transaction is active" and hide the real error: it is skipped.
      if (text === 'rollback' && !database.inTransaction) return endedTransactionRollback;
      let statement = statements.get(text);
      if (statement) {
        // Moved to the end: the Map's order is the recency order.
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export const isSqliteUrl = (url: string) => !/^postgres(ql)?:\/\//.test(url);

export function openSqlite(url: string, options: ConnectOptions = {}): Store {
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database, statementCacheSize) }) });
  const readers = filename === ':memory:' || !options.readers
    ? undefined
    : new SqliteReaders(filename, { readers: options.readers, cacheKib: readerCacheKib, statementCacheSize }, db);
  // data_version moves when another connection commits; total_changes counts every row this
  // connection has inserted, updated or deleted, committed or not. A rollback leaves the count
  // moved: a needless change, never a missed one. While a transaction is open there is no mark: its
  // rows are counted before they are committed, and a reader thread reading meanwhile sees the state
  // before them, which must not be kept under a mark that outlives the commit.
  const dataVersion = database.prepare('pragma data_version').pluck();
  const totalChanges = database.prepare('select total_changes()').pluck();
  return {
    db,
    readDb: readers ? readers.kysely() : db,
    capabilities: { sequenceColumn: 'sqlite' },
    changes: { kind: 'database', mark: () => (database.inTransaction ? undefined : `${dataVersion.get() as number}:${totalChanges.get() as number}`) },
    description: filename === ':memory:' ? 'SQLite in memory' : `SQLite at ${filename}`,
    // One connection, one writer: Kysely runs SQLite transactions one at a time already.
    lockChains: async () => {},
    rateWindows: (setting) => memoryRateWindows(setting),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await readers?.close();
      await checkpointer?.stop();
      await db.destroy();
      releaseFile();
    },
  };
}
