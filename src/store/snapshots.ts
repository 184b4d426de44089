// The data of chains as plain rows, for snapshots and resets: read in `seq` order, and replaced
// wholesale inside the caller's transaction (children deleted before parents, parents inserted first).
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** The tables that hold a chain's loyalty data and accounts, parents first. */
export const chainTables = ['customers', 'companies', 'loyalty_programs', 'loyalty_tiers', 'loyalty_memberships'] as const;
export type ChainTable = (typeof chainTables)[number];

export type ChainRows = Record<ChainTable, Record<string, unknown>[]>;

export async function readChainRows(db: Kysely<Database>, chainIds: readonly string[]): Promise<ChainRows> {
  const rows = {} as ChainRows;
  for (const table of chainTables) {
    rows[table] = chainIds.length === 0 ? [] : await (db as Kysely<any>).selectFrom(table).selectAll()
      .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
    for (const row of rows[table]) delete row.seq;
  }
  return rows;
}

export async function deleteChainRows(db: Kysely<Database>, chainIds: readonly string[]): Promise<void> {
  if (chainIds.length === 0) return;
  for (const table of [...chainTables].reverse()) {
    await (db as Kysely<any>).deleteFrom(table).where('chain_id', 'in', chainIds).execute();
  }
}

/** Inserts rows in the order given, so `seq` keeps their relative order (pages stay newest-first). */
export async function insertChainRows(db: Kysely<Database>, rows: ChainRows): Promise<void> {
  for (const table of chainTables) {
    const list = rows[table];
    for (let start = 0; start < list.length; start += 200) {
      await (db as Kysely<any>).insertInto(table).values(list.slice(start, start + 200)).execute();
    }
  }
}

export async function listChains(db: Kysely<Database>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('chains').select(['id', 'name']).orderBy('name').execute();
}
