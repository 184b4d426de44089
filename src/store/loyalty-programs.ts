// SQL for loyalty programs. Functions take `db` (or a transaction) first; the caller owns the boundary.
import { sql, type Kysely } from 'kysely';
import { storedTime, type Database } from './database.ts';
import { inIdList, isPostgres } from './dialect.ts';
import { matchesNothing, wherePage, whereTimeRange, type PageRequest, type StoredRange } from './pages.ts';

export interface LoyaltyProgramRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
  readonly name: string;
  readonly code: string;
  readonly type: string;
  readonly subscription: string;
  readonly activityState: string;
}

export type NewLoyaltyProgram = Omit<LoyaltyProgramRecord, 'seq' | 'activityState'>;

export interface LoyaltyProgramFilter {
  readonly chainIds: readonly string[];
  readonly activityStates: readonly string[];
  readonly ids?: readonly string[];
  readonly codes?: readonly string[];
  readonly created?: StoredRange;
  readonly updated?: StoredRange;
}

const columns = [
  'seq', 'id', 'chain_id as chainId', 'name', 'code', 'type', 'subscription', 'activity_state as activityState',
] as const;

/** Answers the records as written, with the `seq` each was given. */
export async function insertLoyaltyPrograms(
  db: Kysely<Database>, programs: readonly NewLoyaltyProgram[], now: Date,
): Promise<LoyaltyProgramRecord[]> {
  const written: LoyaltyProgramRecord[] = [];
  // One statement per program keeps `seq` in request order on every dialect.
  for (const program of programs) {
    const { seq } = await db
      .insertInto('loyalty_programs')
      .values({
        id: program.id,
        chain_id: program.chainId,
        name: program.name,
        code: program.code,
        type: program.type,
        subscription: program.subscription,
        activity_state: 'Active',
        created_utc: storedTime(now),
        updated_utc: storedTime(now),
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    written.push({ ...program, seq: Number(seq), activityState: 'Active' });
  }
  return written;
}

export async function selectLoyaltyProgramsByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyProgramRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  return db.selectFrom('loyalty_programs').select(columns)
    .where('id', 'in', ids).where('chain_id', 'in', chainIds)
    .execute();
}

/** Active programs of a chain holding any of these codes. */
export async function selectActiveLoyaltyProgramsByCodes(
  db: Kysely<Database>, chainId: string, codes: readonly string[],
): Promise<LoyaltyProgramRecord[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('loyalty_programs').select(columns)
    .where('chain_id', '=', chainId).where('activity_state', '=', 'Active').where('code', 'in', codes)
    .execute();
}

export async function updateLoyaltyProgram(
  db: Kysely<Database>,
  id: string,
  changes: { name?: string; type?: string; subscription?: string },
  now: Date,
): Promise<void> {
  await db.updateTable('loyalty_programs')
    .set({ ...changes, updated_utc: storedTime(now) })
    .where('id', '=', id)
    .execute();
}

export async function deleteLoyaltyPrograms(db: Kysely<Database>, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('loyalty_programs')
    .set({ activity_state: 'Deleted', updated_utc: storedTime(now) })
    .where('id', 'in', ids)
    .execute();
}

export async function listLoyaltyPrograms(
  db: Kysely<Database>, filter: LoyaltyProgramFilter, page: PageRequest,
): Promise<LoyaltyProgramRecord[]> {
  if (matchesNothing(filter.chainIds, filter.activityStates, filter.ids, filter.codes)) return [];
  let query = db.selectFrom('loyalty_programs').select(columns)
    .where('chain_id', 'in', filter.chainIds)
    .where('activity_state', 'in', filter.activityStates);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.codes) query = query.where('code', 'in', filter.codes);
  query = whereTimeRange(query, 'created_utc', filter.created);
  query = whereTimeRange(query, 'updated_utc', filter.updated);
  return wherePage(query, page).execute();
}

/** Those of `ids` that are programs of these chains (any activity state). */
export async function programIdsOfChains(db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  const postgres = isPostgres(db);
  const { rows } = await sql<{ id: string }>`select id from loyalty_programs
    where ${inIdList(postgres, 'id', ids)} and ${inIdList(postgres, 'chain_id', chainIds)}`.execute(db);
  return rows.map((row) => row.id);
}
