// SQLite: one connection (one writer), WAL, and a checkpointer thread.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { startCheckpointer } from './checkpointer.ts';
import type { Database } from './database.ts';
import { memoryRateWindows } from './rate-windows.ts';
import type { Store } from './store.ts';

/** SQLite's page cache per connection, in KiB (the default is 2 MiB): the hot part of a big table's indexes. */
const sqliteCacheKib = 65_536;

/**
 * The request connection's automatic checkpoint threshold while the checkpointer runs: far higher than
 * SQLite's 1000 pages, a backstop should the worker ever stop.
 */
const backstopWalPages = 25_000;

export const isSqliteUrl = (url: string) => !/^postgres(ql)?:\/\//.test(url);

export function openSqlite(url: string): Store {
  const filename = url === ':memory:' ? ':memory:' : resolve(url.replace(/^sqlite:(\/\/)?/, ''));
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
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
    },
  };
}
