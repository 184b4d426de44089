// Reader threads for SQLite: the statements of read-only requests run on connections of their own, in
// worker threads, while the request thread parses HTTP, authenticates, validates and writes answers.
// A page of 100 scattered memberships spends about as long in SQLite as in everything else the
// request thread does, and one thread could do only one of the two at a time.
//
// What stays as it was: writes and every transaction run on the request thread's one connection, one
// at a time. A read sees every commit made before its statement started (WAL: each statement is its own
// read transaction), so a client reads its own writes; it no longer waits behind another request's
// open write transaction, whose rows it cannot see until that commits. A request's statements may run
// on different readers, as they ran as separate statements before.
import { Worker } from 'node:worker_threads';
import {
  Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type DatabaseIntrospector, type Dialect, type Driver, type QueryResult,
} from 'kysely';
import type { Database } from './database.ts';

export interface SqliteReaderOptions {
  /** Reader threads. */
  readonly readers: number;
  /** Each reader's page cache, in KiB. */
  readonly cacheKib: number;
  /** Prepared statements each reader keeps. */
  readonly statementCacheSize: number;
}

/** See `resourceLimits` below. */
const readerYoungGenerationMb = 4;

interface Pending {
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (error: Error) => void;
}

interface Reader {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  alive: boolean;
}

type ReaderAnswer = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

/** An error as the driver raised it in the reader, with its code (failures are recognised by code). */
function readerError(error: { message: string; code?: string }): Error {
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}

/**
 * The reader threads of one database file. A query goes to the reader with the fewest queries in
 * flight. A reader that stops (it cannot open the file, it crashed) fails its queries in flight and
 * takes no more; with none left, reads go back to the request thread's connection (`fallback`).
 */
export class SqliteReaders {
  readonly #readers: Reader[];
  readonly #fallback: Kysely<Database>;
  #nextId = 1;
  #closed = false;

  constructor(filename: string, options: SqliteReaderOptions, fallback: Kysely<Database>) {
    this.#fallback = fallback;
    this.#readers = Array.from({ length: options.readers }, () => this.#start(filename, options));
  }

  #start(filename: string, options: SqliteReaderOptions): Reader {
    const worker = new Worker(new URL('./sqlite-reader-worker.mjs', import.meta.url), {
      workerData: { filename, cacheKib: options.cacheKib, statementCacheSize: options.statementCacheSize },
      // A reader's garbage is its answers, each sent away at once: a small young generation collects it
      // often and cheaply instead of growing to V8's default of tens of megabytes per thread.
      resourceLimits: { maxYoungGenerationSizeMb: readerYoungGenerationMb },
    });
    // An idle reader does not keep the process alive; one with queries in flight does.
    worker.unref();
    const reader: Reader = { worker, pending: new Map(), alive: true };
    worker.on('message', (answer: ReaderAnswer) => {
      const pending = reader.pending.get(answer.id);
      if (!pending) return;
      reader.pending.delete(answer.id);
      if (reader.pending.size === 0) worker.unref();
      if ('error' in answer) pending.reject(readerError(answer.error));
      else pending.resolve(answer.rows);
    });
    const stop = (error: Error) => {
      reader.alive = false;
      for (const pending of reader.pending.values()) pending.reject(error);
      reader.pending.clear();
    };
    worker.on('error', (error) => stop(error));
    worker.on('exit', () => stop(Object.assign(new Error('the SQLite reader thread stopped'), { code: 'SQLITE_READER_STOPPED' })));
    return reader;
  }

  /** The rows of a statement that only reads. */
  async all(query: CompiledQuery): Promise<unknown[]> {
    if (this.#closed) throw Object.assign(new Error('the database is closed'), { code: 'SQLITE_MISUSE' });
    let chosen: Reader | undefined;
    for (const reader of this.#readers) {
      if (reader.alive && (chosen === undefined || reader.pending.size < chosen.pending.size)) chosen = reader;
    }
    if (!chosen) return (await this.#fallback.executeQuery(query)).rows as unknown[];
    const id = this.#nextId++;
    const reader = chosen;
    return new Promise<unknown[]>((resolve, reject) => {
      reader.pending.set(id, { resolve, reject });
      if (reader.pending.size === 1) reader.worker.ref();
      reader.worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
    });
  }

  /** How many readers run (tests and the benchmark read it). */
  get running(): number {
    return this.#readers.filter((reader) => reader.alive).length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#readers.map(async ({ worker, alive }) => {
      if (!alive) return;
      const exited = new Promise((done) => worker.once('exit', done));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    }));
  }

  /** A Kysely whose queries run on the readers: for reads outside any transaction. */
  kysely(): Kysely<Database> {
    return new Kysely<Database>({ dialect: new ReaderDialect(this) });
  }
}

/** The adapter of a Kysely whose queries run on reader threads: how a query tells where it will run. */
class ReaderAdapter extends SqliteAdapter {}

/** Whether this Kysely's queries run on SQLite reader threads (plugins added to it keep its adapter). */
export const runsOnReaderThreads = (db: Kysely<Database>): boolean => db.getExecutor().adapter instanceof ReaderAdapter;

const noTransactions = () => Promise.reject(new Error('reads on SQLite reader threads run outside transactions'));

class ReaderDialect implements Dialect {
  constructor(private readonly readers: SqliteReaders) {}
  createAdapter() {
    return new ReaderAdapter();
  }
  createDriver(): Driver {
    const readers = this.readers;
    const connection: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => ({ rows: (await readers.all(query)) as R[] }),
      // eslint-disable-next-line require-yield
      streamQuery: async function* () {
        throw new Error('reads on SQLite reader threads are not streamed');
      },
    };
    return {
      init: async () => {},
      acquireConnection: async () => connection,
      beginTransaction: noTransactions,
      commitTransaction: noTransactions,
      rollbackTransaction: noTransactions,
      releaseConnection: async () => {},
      destroy: async () => {},
    };
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
