// DATABASE_URL -> a Store: SQLite (sqlite.ts) or PostgreSQL (postgres.ts), migrated (migrate.ts).
// Code outside store/ never asks which database it talks to; it calls the Store's methods.
import { migrate } from './migrate.ts';
import { isSqliteUrl, openSqlite } from './sqlite.ts';
import type { ConnectOptions, Store } from './store.ts';

export type { Capabilities, ConnectOptions, Store } from './store.ts';
export { StoreError } from './store.ts';
export { migrate } from './migrate.ts';

export async function connect(url: string, options: ConnectOptions = {}): Promise<Store> {
  if (isSqliteUrl(url)) return openSqlite(url, options);
  // Loaded only for PostgreSQL: the driver costs a server on SQLite some 10 MB of memory.
  const { openPostgres } = await import('./postgres.ts');
  return openPostgres(url, options);
}

/** The pool that migrates and applies seeds on PostgreSQL: two connections, no statement timeout. */
const setUpPoolSize = 2;

/**
 * Connects, migrates and runs `setUp` (seeds), then answers the store that serves requests. On
 * PostgreSQL the statement timeout is for requests: migrations and a large seed run on a pool of their
 * own without it. A SQLite store is one connection (and ':memory:' must stay the same one) and is kept.
 */
export async function openDatabase(url: string, serving: ConnectOptions, setUp: (store: Store) => Promise<void>): Promise<Store> {
  const separateSetUp = !isSqliteUrl(url);
  // The set-up pool lives for the migrations and seeds only: no statistics keeping on it.
  const store = await connect(url, separateSetUp ? { poolSize: setUpPoolSize, statisticsEveryMs: 0, namedStatements: false } : serving);
  try {
    await migrate(store);
    await setUp(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  if (!separateSetUp) return store;
  await store.close();
  return connect(url, serving);
}
