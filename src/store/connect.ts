// DATABASE_URL -> a Kysely instance, the dialect's capabilities, and the migrations run on it.
// Code outside store/ never asks which database it talks to; it reads `capabilities` when it must.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';

export interface Capabilities {
  /** How an auto-incrementing `seq` column is declared. */
  readonly sequenceColumn: 'sqlite' | 'postgres';
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** A human description for logs, without credentials. */
  readonly description: string;
  close(): Promise<void>;
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
    close: () => db.destroy(),
  };
}

export async function connect(url: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new StoreError('PostgreSQL is not supported yet: DATABASE_URL must be a SQLite file path or :memory:');
  }
  return openSqlite(url);
}

/** Brings the schema up to date; run on every start. */
export async function migrate(store: Store): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.capabilities) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new StoreError(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
