// SQL for loyalty tiers. Functions take `db` (or a transaction) first; the caller owns the boundary.
import type { Kysely } from 'kysely';
import { storedTime, type Database } from './database.ts';
import { matchesNothing, wherePage, whereTimeRange, type PageRequest, type StoredRange } from './pages.ts';

export interface LoyaltyTierRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
  readonly loyaltyProgramId: string;
  readonly name: string;
  readonly code: string;
  readonly ordering: number;
  readonly activityState: string;
}

export type NewLoyaltyTier = Omit<LoyaltyTierRecord, 'seq' | 'activityState'>;

export interface LoyaltyTierFilter {
  readonly chainIds: readonly string[];
  readonly programIds: readonly string[];
  readonly activityStates: readonly string[];
  readonly ids?: readonly string[];
  readonly updated?: StoredRange;
}

const columns = [
  'seq', 'id', 'chain_id as chainId', 'loyalty_program_id as loyaltyProgramId', 'name', 'code', 'ordering',
  'activity_state as activityState',
] as const;

export async function insertLoyaltyTiers(db: Kysely<Database>, tiers: readonly NewLoyaltyTier[], now: Date): Promise<void> {
  for (const tier of tiers) {
    await db.insertInto('loyalty_tiers').values({
      id: tier.id, chain_id: tier.chainId, loyalty_program_id: tier.loyaltyProgramId, name: tier.name, code: tier.code,
      ordering: tier.ordering, activity_state: 'Active', created_utc: storedTime(now), updated_utc: storedTime(now),
    }).execute();
  }
}

export async function selectLoyaltyTiersByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyTierRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  return db.selectFrom('loyalty_tiers').select(columns).where('id', 'in', ids).where('chain_id', 'in', chainIds).execute();
}

/** Active tiers of a program holding any of these codes. */
export async function selectActiveLoyaltyTiersByCodes(
  db: Kysely<Database>, programId: string, codes: readonly string[],
): Promise<LoyaltyTierRecord[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('loyalty_tiers').select(columns)
    .where('loyalty_program_id', '=', programId).where('activity_state', '=', 'Active').where('code', 'in', codes)
    .execute();
}

export async function updateLoyaltyTier(
  db: Kysely<Database>, id: string, changes: { name?: string; code?: string; ordering?: number }, now: Date,
): Promise<void> {
  await db.updateTable('loyalty_tiers').set({ ...changes, updated_utc: storedTime(now) }).where('id', '=', id).execute();
}

export async function deleteLoyaltyTiers(db: Kysely<Database>, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('loyalty_tiers').set({ activity_state: 'Deleted', updated_utc: storedTime(now) }).where('id', 'in', ids).execute();
}

/** Soft-deletes the active tiers of these programs (a deleted program takes its tiers with it). */
export async function deleteLoyaltyTiersOfPrograms(db: Kysely<Database>, programIds: readonly string[], now: Date): Promise<void> {
  if (programIds.length === 0) return;
  await db.updateTable('loyalty_tiers').set({ activity_state: 'Deleted', updated_utc: storedTime(now) })
    .where('loyalty_program_id', 'in', programIds).where('activity_state', '=', 'Active')
    .execute();
}

export async function listLoyaltyTiers(db: Kysely<Database>, filter: LoyaltyTierFilter, page: PageRequest): Promise<LoyaltyTierRecord[]> {
  if (matchesNothing(filter.chainIds, filter.programIds, filter.activityStates, filter.ids)) return [];
  let query = db.selectFrom('loyalty_tiers').select(columns)
    .where('loyalty_program_id', 'in', filter.programIds)
    .where('chain_id', 'in', filter.chainIds)
    .where('activity_state', 'in', filter.activityStates);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  query = whereTimeRange(query, 'updated_utc', filter.updated);
  return wherePage(query, page).execute();
}
