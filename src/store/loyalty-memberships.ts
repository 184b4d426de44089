// SQL for loyalty memberships' rows. Functions take `db` (or a transaction) first; the caller owns the
// boundary. The getAll page query is in loyalty-membership-pages.ts.
//
// The membership table is the one that grows (a million rows and more), so its queries are written by
// hand and name the index they walk: the query planner, without statistics, would otherwise prefer the
// (chain_id, activity_state, seq) index for almost every query (two equality columns look selective) and
// walk a whole chain to find a handful of rows. See BENCHMARKS.md for every plan.
import { sql, type Kysely, type RawBuilder, type Updateable } from 'kysely';
import { storedTime, type Database, type LoyaltyMembershipTable } from './database.ts';
import { inIdList, isPostgres } from './dialect.ts';

/** A loyalty membership as stored: the one shape the store answers and takes. */
export interface LoyaltyMembershipRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
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
  readonly activityState: string;
}

/** What an add writes: the store gives `seq` and the activity state (Active). */
export type NewLoyaltyMembership = Omit<LoyaltyMembershipRecord, 'seq' | 'activityState'>;

/** What an update may change. */
export type LoyaltyMembershipChanges = Partial<Omit<NewLoyaltyMembership, 'id' | 'chainId'>>;

/** The indexes the queries name (migrations 0005, 0007, 0008 and 0009). */
export const membershipIndexes = {
  /** UNIQUE (id): the first UNIQUE constraint of the table in 0005, hence SQLite's name for it. */
  id: 'sqlite_autoindex_loyalty_memberships_1',
  /** (account_id, seq) WHERE activity_state <> 'Active' (0009); active memberships are in activeAccountProgram. */
  inactiveAccount: 'loyalty_memberships_inactive_account_seq',
  /** Partial UNIQUE (account_id, loyalty_program_id) WHERE activity_state = 'Active'. */
  activeAccountProgram: 'loyalty_memberships_active_account_program',
  /** Partial UNIQUE (account_id, chain_id) WHERE activity_state = 'Active' AND is_primary = 1. */
  primaryAccountChain: 'loyalty_memberships_primary_account_chain',
  number: 'loyalty_memberships_number',
  provider: 'loyalty_memberships_provider_id',
  chain: 'loyalty_memberships_chain_state_seq',
  chainState: 'loyalty_memberships_chain_activity_state_seq',
  programState: 'loyalty_memberships_program_activity_state_seq',
  updated: 'loyalty_memberships_chain_activity_updated',
  created: 'loyalty_memberships_chain_activity_created',
} as const;

/** The columns of LoyaltyMembershipRecord (is_primary as the 0/1 it is stored as; see `records`). */
export const recordColumns = sql.raw(
  'seq, id, chain_id as "chainId", account_id as "accountId", loyalty_program_id as "loyaltyProgramId", ' +
  'loyalty_tier_id as "loyaltyTierId", state, is_primary as "isPrimary", membership_number as "membershipNumber", ' +
  'provider_membership_id as "providerMembershipId", points, expiration_date as "expirationDate", url, ' +
  'activity_state as "activityState"',
);

const insertColumns = sql.raw(
  'id, chain_id, account_id, loyalty_program_id, loyalty_tier_id, state, is_primary, membership_number, ' +
  'provider_membership_id, points, expiration_date, url, activity_state, created_utc, updated_utc',
);

/** `FROM loyalty_memberships`, naming the index on SQLite. */
export const membershipsFrom = (postgres: boolean, indexName: string) =>
  sql.raw(postgres ? 'loyalty_memberships' : `loyalty_memberships indexed by ${indexName}`);

type StoredRecord = Omit<LoyaltyMembershipRecord, 'isPrimary'> & { isPrimary: number | boolean };

/** Runs a query selecting `recordColumns`; the stored 0/1 becomes a boolean on the way out. */
export async function records(db: Kysely<Database>, query: RawBuilder<unknown>): Promise<LoyaltyMembershipRecord[]> {
  const rows = (await (query as RawBuilder<StoredRecord>).execute(db)).rows;
  for (const row of rows) row.isPrimary = row.isPrimary === 1 || row.isPrimary === true;
  return rows as LoyaltyMembershipRecord[];
}

type MembershipColumns = Omit<Updateable<LoyaltyMembershipTable>, 'seq'>;

function toColumns(fields: LoyaltyMembershipChanges): MembershipColumns {
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

/**
 * Inserts in request order (`seq` follows it), in one statement whatever the batch size: the rows travel
 * as one JSON parameter that the database unpacks itself. Compiling 1000 rows of 15 bound values costs
 * more than SQLite takes to insert them; one parameter costs nothing to compile or bind. Answers the
 * records as written, with the `seq` each was given.
 */
export async function insertLoyaltyMemberships(
  db: Kysely<Database>, memberships: readonly NewLoyaltyMembership[], now: Date,
): Promise<LoyaltyMembershipRecord[]> {
  if (memberships.length === 0) return [];
  const stamp = storedTime(now);
  const rows = JSON.stringify(memberships.map((m) => [
    m.id, m.chainId, m.accountId, m.loyaltyProgramId, m.loyaltyTierId, m.state, m.isPrimary ? 1 : 0, m.membershipNumber,
    m.providerMembershipId, m.points, m.expirationDate, m.url,
  ]));
  // RETURNING gives each row's seq; its order is not promised, so the rows are matched by id.
  const { rows: written } = isPostgres(db)
    ? await sql<{ id: string; seq: number }>`insert into loyalty_memberships (${insertColumns})
      select r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, (r->>6)::integer, r->>7, r->>8, (r->>9)::integer, r->>10, r->>11, 'Active', ${stamp}, ${stamp}
      from json_array_elements(${rows}::json) with ordinality as t(r, n) order by n
      returning id, seq`.execute(db)
    : await sql<{ id: string; seq: number }>`insert into loyalty_memberships (${insertColumns})
      select r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7,
        r.value ->> 8, r.value ->> 9, r.value ->> 10, r.value ->> 11, 'Active', ${stamp}, ${stamp}
      from json_each(${rows}) as r order by r.key
      returning id, seq`.execute(db);
  const seqs = new Map(written.map((row) => [row.id, Number(row.seq)]));
  return memberships.map((m) => ({ ...m, seq: seqs.get(m.id)!, activityState: 'Active' }));
}

export async function updateLoyaltyMembership(db: Kysely<Database>, id: string, changes: LoyaltyMembershipChanges, now: Date): Promise<void> {
  await db.updateTable('loyalty_memberships').set({ ...toColumns(changes), updated_utc: storedTime(now) }).where('id', '=', id).execute();
}

export async function selectLoyaltyMembershipsByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  const postgres = isPostgres(db);
  return records(db, sql`select ${recordColumns} from ${membershipsFrom(postgres, membershipIndexes.id)}
    where ${inIdList(postgres, 'id', ids)} and ${inIdList(postgres, 'chain_id', chainIds)}`);
}

/** Active memberships of these accounts (for "one per account and program"). */
export async function selectActiveMembershipsOfAccounts(
  db: Kysely<Database>, accountIds: readonly string[],
): Promise<Pick<LoyaltyMembershipRecord, 'id' | 'accountId' | 'loyaltyProgramId'>[]> {
  if (accountIds.length === 0) return [];
  const postgres = isPostgres(db);
  // The partial unique index (account_id, loyalty_program_id) WHERE activity_state = 'Active' holds
  // exactly these rows; the literal condition lets both databases use it.
  const accounts = inIdList(postgres, 'account_id', accountIds);
  const result = await sql<Pick<LoyaltyMembershipRecord, 'id' | 'accountId' | 'loyaltyProgramId'>>`select id, account_id as "accountId", loyalty_program_id as "loyaltyProgramId"
    from ${membershipsFrom(postgres, membershipIndexes.activeAccountProgram)} where ${accounts} and activity_state = 'Active'`.execute(db);
  return result.rows;
}

/** Clears the primary flag of an account's other active memberships in a chain. */
export async function clearPrimary(db: Kysely<Database>, chainId: string, accountId: string, exceptId: string, now: Date): Promise<void> {
  // The literal conditions match the partial unique index (account_id, chain_id) WHERE activity_state =
  // 'Active' AND is_primary = 1, which holds at most one row per account and chain.
  await sql`update loyalty_memberships set is_primary = 0, updated_utc = ${storedTime(now)}
    where account_id = ${accountId} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1 and id <> ${exceptId}`
    .execute(db);
}

/** Clears the primary flag of every active membership of these accounts in a chain (before an add). */
export async function clearPrimaries(db: Kysely<Database>, chainId: string, accountIds: readonly string[], now: Date): Promise<void> {
  if (accountIds.length === 0) return;
  const postgres = isPostgres(db);
  // Named on SQLite: without statistics it would rather walk the chain's (chain_id, activity_state) index.
  await sql`update ${membershipsFrom(postgres, membershipIndexes.primaryAccountChain)} set is_primary = 0, updated_utc = ${storedTime(now)}
    where ${inIdList(postgres, 'account_id', accountIds)} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1`
    .execute(db);
}

export async function deleteLoyaltyMemberships(db: Kysely<Database>, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('loyalty_memberships').set({ activity_state: 'Deleted', updated_utc: storedTime(now) }).where('id', 'in', ids).execute();
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
