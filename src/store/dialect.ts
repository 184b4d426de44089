// What differs between the two databases in the SQL the store writes by hand.
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.ts';

export const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** Conditions joined with AND. */
export const and = (conditions: readonly RawBuilder<unknown>[]) => sql.join(conditions, sql` and `);

/**
 * `column IN (ids)` with the ids as one parameter whatever their number: an array on PostgreSQL, a JSON
 * text on SQLite. A batch names up to 1000 ids; 1000 bound values cost more to compile and bind than
 * the lookup takes.
 */
export function inIdList(postgres: boolean, column: string, ids: readonly string[]): RawBuilder<unknown> {
  // One id (a chain, an account, a program: most requests) is a plain equality. SQLite reads a JSON
  // list into a temporary table and builds a Bloom filter for it on every run: ~40 µs, as much as
  // reading an account's memberships takes.
  if (ids.length === 1) return sql`${sql.raw(column)} = ${ids[0]}`;
  return postgres
    ? sql`${sql.raw(column)} = any(${sql.val(ids)})`
    : sql`${sql.raw(column)} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * `column = value` that SQLite checks on the rows found rather than walk an index for: the unary `+`
 * takes the column out of index selection. Without statistics SQLite would walk the whole chain's
 * (chain_id, activity_state, …) index rather than look up a handful of ids. PostgreSQL plans it with
 * statistics and gets the plain condition.
 */
export function checkedOnRows(postgres: boolean, column: string, value: string): RawBuilder<unknown> {
  return postgres ? sql`${sql.raw(column)} = ${value}` : sql`+${sql.raw(column)} = ${value}`;
}
