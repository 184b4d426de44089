// Keyset pages, newest to oldest by `seq`, and the filter pieces every getAll shares.
// A page never uses OFFSET: it starts below the cursor's `seq`, so records added while a client
// walks the pages cannot shift them, and each page is a bounded index range scan.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database } from './database.ts';

export interface PageRequest {
  readonly count: number;
  /** The `seq` of the cursor record; the page holds only older records. */
  readonly beforeSeq?: number;
  /**
   * The cursor record itself, its `seq` looked up inside the page's own statement (PostgreSQL: one
   * round trip fewer). Set instead of `beforeSeq`; an unknown record gives an empty page.
   */
  readonly beforeRecord?: { readonly id: string; readonly chainIds: readonly string[] };
}

/** A page as a client asks for it: the cursor still an id. */
export interface CursorPageRequest {
  readonly count: number;
  readonly cursorId?: string;
}

/** A time filter in stored form: `from` inclusive, `to` exclusive. */
export interface StoredRange {
  readonly from: string;
  readonly to: string;
}

/** An empty filter array matches nothing, so the query can be skipped. */
export const matchesNothing = (...filters: (readonly unknown[] | undefined)[]) =>
  filters.some((filter) => filter !== undefined && filter.length === 0);

/** The tables that are paged: each has `seq`, `id` and `chain_id`. */
export type PagedTable = 'loyalty_programs' | 'loyalty_tiers' | 'loyalty_memberships' | 'customers' | 'companies';

// The builders below are shared by tables of different row types; Kysely cannot express
// "any table with these columns", so they are typed loosely inside and strictly at the call sites.
type AnySelect = SelectQueryBuilder<any, any, any>;

export function whereTimeRange<Q extends AnySelect>(query: Q, column: 'created_utc' | 'updated_utc', range: StoredRange | undefined): Q {
  if (!range) return query;
  return query.where(column, '>=', range.from).where(column, '<', range.to) as Q;
}

export function wherePage<Q extends AnySelect>(query: Q, page: PageRequest): Q {
  const bounded = page.beforeSeq === undefined ? query : query.where('seq', '<', page.beforeSeq);
  return bounded.orderBy('seq', 'desc').limit(page.count) as Q;
}

/** The `seq` of a record of these chains, for a cursor; `undefined` when there is none. */
export async function recordSeq(
  db: Kysely<Database>, table: PagedTable, chainIds: readonly string[], id: string,
): Promise<number | undefined> {
  if (chainIds.length === 0) return undefined;
  const row = await (db as Kysely<any>).selectFrom(table).select('seq')
    .where('id', '=', id).where('chain_id', 'in', chainIds)
    .executeTakeFirst();
  return row?.seq as number | undefined;
}
