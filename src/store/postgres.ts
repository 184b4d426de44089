// PostgreSQL: a pool, an optional schema of our own, chain locks as advisory locks.
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database } from './database.ts';
import { keepStatistics } from './postgres-statistics.ts';
import { postgresRateWindows } from './rate-windows.ts';
import { StoreError, type ConnectOptions, type Store } from './store.ts';

const defaultPoolSize = 10;
const connectTimeoutMs = 10_000;
const defaultStatisticsEveryMs = 10_000;

/**
 * The planner's cost of a random page read against a sequential one, for this server's sessions only.
 * PostgreSQL's default (4) models spinning disks: with fresh statistics it then prefers walking the
 * primary key backwards and filtering (the table's rows lie in seq order) over the bounded walk of a
 * (program, activity state, state, seq) index: 5-10 ms instead of under 1 for a program's page at 1M
 * rows. 1.1 is the usual value for SSDs and for data held in memory, which is where this table's hot
 * pages are.
 */
const randomPageCost = 1.1;

/**
 * `postgres://user@host:port/db?schema=name`: the optional `schema` parameter (ours, not libpq's)
 * puts every table in that schema, created when missing; tests use one schema per run.
 */
export async function openPostgres(url: string, options: ConnectOptions): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('DATABASE_URL: schema must be a lowercase identifier (letters, digits, underscores)');
  }
  const namedStatements = options.namedStatements ?? true;
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? defaultPoolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    options: [...(schema ? [`-c search_path=${schema}`] : []), `-c random_page_cost=${randomPageCost}`, ...(namedStatements ? ['-c plan_cache_mode=force_custom_plan'] : [])].join(' '),
  });
  // A pool error (the server went away) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // The same for a client in use when the connection drops: its query fails, the process stays up.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (namedStatements) nameStatements(client);
  });
  if (schema) await createSchema(pool, schema, parsed.host);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError(`cannot connect to PostgreSQL at ${parsed.host}: ${(error as Error).message}`);
  }
  const statisticsEveryMs = options.statisticsEveryMs ?? defaultStatisticsEveryMs;
  const statistics = statisticsEveryMs > 0 ? keepStatistics(pool, statisticsEveryMs) : undefined;
  return {
    db,
    readDb: db,
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
    changes: { kind: 'chains' },
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await statistics?.stop();
      await db.destroy();
    },
  };
}

/** Most statements a connection keeps prepared; past them, statements are parsed each time as before. */
const maxNamedStatements = 256;
/**
 * Statements with more parameters are not named: their text changes with a list's length (Kysely's
 * `in (…)`), and one with 1000 parameters holds ~150 KB of plan in the backend.
 */
const maxNamedParameters = 32;

/** A prepared statement whose tables changed shape since (another instance's migration): parse again. */
const isStalePlan = (error: unknown) => (error as { code?: string }).code === '0A000' && /cached plan/.test(String((error as Error).message));

/**
 * Every statement with a few parameters, prepared once per connection and then executed by name:
 * PostgreSQL parses and analyzes its text only the first time (the token check a request makes, and a
 * page, each cost the server's backend less; measured in BENCHMARKS.md). Plans stay custom, made for
 * each execution's values (`plan_cache_mode`): a generic plan chosen after a few executions could suit
 * one account list and not the next. Statements without parameters (transaction control, scripts of
 * several statements) go as they are.
 */
function nameStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const unnamed = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || values.length > maxNamedParameters
      || rest.length > 0 || unnamed.has(text)) return query(text, values, ...rest);
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= maxNamedStatements) return query(text, values);
      // Named by the text's hash: the same text, the same statement, on every connection.
      name = `lc_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return query({ name, text, values }).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error;
      // This text goes unnamed on this connection from now on (a new connection prepares it afresh).
      names.delete(text);
      unnamed.add(text);
      return query(text, values);
    });
  };
}

async function createSchema(pool: pg.Pool, schema: string, host: string): Promise<void> {
  const client = await pool.connect().catch((error: Error) => {
    throw new StoreError(`cannot connect to PostgreSQL at ${host}: ${error.message}`);
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
