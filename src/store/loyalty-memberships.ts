// SQL for loyalty memberships. Functions take `db` (or a transaction) first; the caller owns the boundary.
import type { Kysely, Updateable } from 'kysely';
import type { Database, LoyaltyMembershipTable } from './database.ts';
import { matchesNothing, wherePage, whereTimeRange, type PageRequest, type StoredRange } from './pages.ts';

export interface LoyaltyMembershipRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
  readonly accountId: string;
  readonly loyaltyProgramId: string;
  readonly loyaltyTierId: string | null;
  readonly state: string;
  readonly isPrimary: number;
  readonly membershipNumber: string | null;
  readonly providerMembershipId: string | null;
  readonly points: number | null;
  readonly expirationDate: string | null;
  readonly url: string | null;
  readonly activityState: string;
}

export interface MembershipFields {
  readonly accountId: string;
  readonly loyaltyProgramId: string;
  readonly loyaltyTierId: string | null;
  readonly state: string;
  readonly isPrimary: boolean;
  readonly membershipNumber: string | null;
  readonly providerMembershipId: string | null;
  readonly points: number | null;
  readonly expirationDate: string | null;
  readonly url: string | null;
}

export interface NewLoyaltyMembership extends MembershipFields {
  readonly id: string;
  readonly chainId: string;
}

export interface LoyaltyMembershipFilter {
  readonly chainIds: readonly string[];
  readonly activityStates: readonly string[];
  readonly ids?: readonly string[];
  readonly programIds?: readonly string[];
  readonly accountIds?: readonly string[];
  readonly states?: readonly string[];
  readonly membershipNumbers?: readonly string[];
  readonly providerMembershipIds?: readonly string[];
  readonly created?: StoredRange;
  readonly updated?: StoredRange;
}

const columns = [
  'seq', 'id', 'chain_id as chainId', 'account_id as accountId', 'loyalty_program_id as loyaltyProgramId',
  'loyalty_tier_id as loyaltyTierId', 'state', 'is_primary as isPrimary', 'membership_number as membershipNumber',
  'provider_membership_id as providerMembershipId', 'points', 'expiration_date as expirationDate', 'url',
  'activity_state as activityState',
] as const;

type MembershipColumns = Omit<Updateable<LoyaltyMembershipTable>, 'seq'>;

function toRow(fields: Partial<MembershipFields>): MembershipColumns {
  const row: MembershipColumns = {};
  if (fields.accountId !== undefined) row.account_id = fields.accountId;
  if (fields.loyaltyProgramId !== undefined) row.loyalty_program_id = fields.loyaltyProgramId;
  if (fields.loyaltyTierId !== undefined) row.loyalty_tier_id = fields.loyaltyTierId;
  if (fields.state !== undefined) row.state = fields.state;
  if (fields.isPrimary !== undefined) row.is_primary = fields.isPrimary ? 1 : 0;
  if (fields.membershipNumber !== undefined) row.membership_number = fields.membershipNumber;
  if (fields.providerMembershipId !== undefined) row.provider_membership_id = fields.providerMembershipId;
  if (fields.points !== undefined) row.points = fields.points;
  if (fields.expirationDate !== undefined) row.expiration_date = fields.expirationDate;
  if (fields.url !== undefined) row.url = fields.url;
  return row;
}

/** Inserts in request order, in multi-row statements (an add carries up to 1000). */
export async function insertLoyaltyMemberships(db: Kysely<Database>, memberships: readonly NewLoyaltyMembership[], now: string): Promise<void> {
  const chunk = 200;
  for (let start = 0; start < memberships.length; start += chunk) {
    await db.insertInto('loyalty_memberships').values(memberships.slice(start, start + chunk).map((m) => ({
      ...toRow(m),
      account_id: m.accountId, loyalty_program_id: m.loyaltyProgramId, state: m.state, is_primary: m.isPrimary ? 1 : 0,
      id: m.id, chain_id: m.chainId, activity_state: 'Active', created_utc: now, updated_utc: now,
    }))).execute();
  }
}

export async function updateLoyaltyMembership(db: Kysely<Database>, id: string, changes: Partial<MembershipFields>, now: string): Promise<void> {
  await db.updateTable('loyalty_memberships').set({ ...toRow(changes), updated_utc: now }).where('id', '=', id).execute();
}

export async function selectLoyaltyMembershipsByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  return db.selectFrom('loyalty_memberships').select(columns).where('id', 'in', ids).where('chain_id', 'in', chainIds).execute();
}

/** Active memberships of these accounts in these programs (for "one per account and program"). */
export async function selectActiveMembershipsOfAccounts(
  db: Kysely<Database>, accountIds: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (accountIds.length === 0) return [];
  return db.selectFrom('loyalty_memberships').select(columns)
    .where('account_id', 'in', accountIds).where('activity_state', '=', 'Active')
    .execute();
}

/** Clears the primary flag of an account's other active memberships in a chain. */
export async function clearPrimary(db: Kysely<Database>, chainId: string, accountId: string, exceptId: string, now: string): Promise<void> {
  await db.updateTable('loyalty_memberships').set({ is_primary: 0, updated_utc: now })
    .where('chain_id', '=', chainId).where('account_id', '=', accountId)
    .where('activity_state', '=', 'Active').where('is_primary', '=', 1).where('id', '!=', exceptId)
    .execute();
}

export async function deleteLoyaltyMemberships(db: Kysely<Database>, ids: readonly string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('loyalty_memberships').set({ activity_state: 'Deleted', updated_utc: now }).where('id', 'in', ids).execute();
}

/** The first active membership pointing at any of these programs or tiers, if there is one. */
export async function firstActiveMembershipOf(
  db: Kysely<Database>, target: { programIds?: readonly string[]; tierIds?: readonly string[] },
): Promise<{ loyaltyProgramId: string; loyaltyTierId: string | null } | undefined> {
  let query = db.selectFrom('loyalty_memberships').select(['loyalty_program_id as loyaltyProgramId', 'loyalty_tier_id as loyaltyTierId'])
    .where('activity_state', '=', 'Active');
  if (target.programIds) {
    if (target.programIds.length === 0) return undefined;
    query = query.where('loyalty_program_id', 'in', target.programIds);
  }
  if (target.tierIds) {
    if (target.tierIds.length === 0) return undefined;
    query = query.where('loyalty_tier_id', 'in', target.tierIds);
  }
  return query.limit(1).executeTakeFirst();
}

export async function listLoyaltyMemberships(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest,
): Promise<LoyaltyMembershipRecord[]> {
  if (matchesNothing(
    filter.chainIds, filter.activityStates, filter.ids, filter.programIds, filter.accountIds, filter.states,
    filter.membershipNumbers, filter.providerMembershipIds,
  )) return [];
  let query = db.selectFrom('loyalty_memberships').select(columns)
    .where('chain_id', 'in', filter.chainIds).where('activity_state', 'in', filter.activityStates);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.accountIds) query = query.where('account_id', 'in', filter.accountIds);
  if (filter.programIds) query = query.where('loyalty_program_id', 'in', filter.programIds);
  if (filter.states) query = query.where('state', 'in', filter.states);
  if (filter.membershipNumbers) query = query.where('membership_number', 'in', filter.membershipNumbers);
  if (filter.providerMembershipIds) query = query.where('provider_membership_id', 'in', filter.providerMembershipIds);
  query = whereTimeRange(query, 'created_utc', filter.created);
  query = whereTimeRange(query, 'updated_utc', filter.updated);
  return wherePage(query, page).execute();
}
