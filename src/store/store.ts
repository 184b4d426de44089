// What the rest of the server sees of a database: the Store. How each database is opened lives in
// sqlite.ts and postgres.ts; connect.ts picks one from DATABASE_URL.
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { RateWindows, RateWindowSetting } from './rate-windows.ts';

export interface Capabilities {
  /** How an auto-incrementing `seq` column is declared. */
  readonly sequenceColumn: 'sqlite' | 'postgres';
}

export interface Store {
  readonly db: Kysely<Database>;
  /**
   * For the statements of requests that only read, outside any transaction: on a SQLite file, reader
   * threads (sqlite-readers.ts); elsewhere `db` itself.
   */
  readonly readDb: Kysely<Database>;
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
   * How a reader learns that something was written, for the answer cache and the remembered tokens:
   * - `database` (SQLite): one mark that changes whenever anything may have been written since it was
   *   last read, by this instance or any other writer of the file; `undefined` while a transaction of
   *   its own is open.
   * - `chains` (PostgreSQL, shared by instances): per request, the marks of the caller's chains, which
   *   the database moves in every writer's transaction (migration 0013) and authentication reads with
   *   the token's state.
   */
  readonly changes: ChangeTracking;
  /** Whether the database answers (for /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type ChangeTracking =
  | { readonly kind: 'database'; mark(): string | undefined }
  | { readonly kind: 'chains' };

export interface ConnectOptions {
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** PostgreSQL statement_timeout in milliseconds; a statement past it is cancelled (408). */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL: how often the server checks whether a table changed enough to be analyzed again
   * (postgres-statistics.ts); 0 turns the check off. Default 10 seconds.
   */
  readonly statisticsEveryMs?: number;
  /**
   * PostgreSQL: statements with parameters prepared once per connection and executed by name (default
   * on). Off for the pool that migrates, whose statements would outlive the tables they were planned on.
   */
  readonly namedStatements?: boolean;
  /** SQLite: refuse to open a file another process serves (and hold it until close). For the server, not for tools. */
  readonly exclusive?: boolean;
  /** SQLite: reader threads for the statements of read-only requests (a file only; 0 or unset: none). */
  readonly readers?: number;
}

export class StoreError extends Error {}
