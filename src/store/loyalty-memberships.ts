// SQL for loyalty memberships. Functions take `db` (or a transaction) first; the caller owns the boundary.
//
// The membership table is the one that grows (a million rows and more), so its queries are written by
// hand and name the index they walk: the query planner, without statistics, would otherwise prefer the
// (chain_id, activity_state, seq) index for almost every query (two equality columns look selective) and
// walk a whole chain to find a handful of rows. SQLite gets `INDEXED BY`; PostgreSQL, whose planner has
// statistics, gets query shapes that cannot go wrong: a MATERIALIZED CTE around the selective filter, or
// a UNION ALL of one top-N per key, each planned with its value. See BENCHMARKS.md for every plan.
import { sql, type Kysely, type RawBuilder, type Updateable } from 'kysely';
import { LoyaltyMembershipState } from '../contract/loyalty-memberships.ts';
import type { Database, LoyaltyMembershipTable } from './database.ts';
import { and, inIdList, isPostgres } from './dialect.ts';
import { matchesNothing, type PageRequest, type StoredRange } from './pages.ts';

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

/** The indexes the queries below name (migrations 0005, 0007, 0008 and 0009). */
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

/** Every membership state: a program filter without MembershipStates walks one (program, state) range per state. */
const allStates: readonly string[] = (LoyaltyMembershipState as unknown as { enum: string[] }).enum;

/**
 * More key combinations than this and a page would merge too many ranges (SQLite refuses more than 500
 * terms in a compound SELECT): a broader index is walked instead, the extra keys checked on its rows.
 */
const maxArms = 64;

const columns = sql.raw(
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
const from = (postgres: boolean, indexName: string) =>
  sql.raw(postgres ? 'loyalty_memberships' : `loyalty_memberships indexed by ${indexName}`);

/** `column IN (…)`: one array parameter on PostgreSQL, one parameter per value on SQLite. */
function isIn(postgres: boolean, column: string, values: readonly unknown[]): RawBuilder<unknown> {
  return postgres ? sql`${sql.raw(column)} = any(${sql.val(values)})` : sql`${sql.raw(column)} in (${sql.join(values)})`;
}


async function rows(db: Kysely<Database>, query: RawBuilder<LoyaltyMembershipRecord>): Promise<LoyaltyMembershipRecord[]> {
  return (await query.execute(db)).rows;
}

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

/**
 * Inserts in request order (`seq` follows it), in one statement whatever the batch size: the rows travel
 * as one JSON parameter that the database unpacks itself. Compiling 1000 rows of 15 bound values costs
 * more than SQLite takes to insert them; one parameter costs nothing to compile or bind.
 */
export async function insertLoyaltyMemberships(db: Kysely<Database>, memberships: readonly NewLoyaltyMembership[], now: string): Promise<void> {
  if (memberships.length === 0) return;
  const rows = JSON.stringify(memberships.map((m) => [
    m.id, m.chainId, m.accountId, m.loyaltyProgramId, m.loyaltyTierId, m.state, m.isPrimary ? 1 : 0, m.membershipNumber,
    m.providerMembershipId, m.points, m.expirationDate, m.url,
  ]));
  if (isPostgres(db)) {
    await sql`insert into loyalty_memberships (${insertColumns})
      select r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, (r->>6)::integer, r->>7, r->>8, (r->>9)::integer, r->>10, r->>11, 'Active', ${now}, ${now}
      from json_array_elements(${rows}::json) with ordinality as t(r, n) order by n`.execute(db);
    return;
  }
  await sql`insert into loyalty_memberships (${insertColumns})
    select r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7,
      r.value ->> 8, r.value ->> 9, r.value ->> 10, r.value ->> 11, 'Active', ${now}, ${now}
    from json_each(${rows}) as r order by r.key`.execute(db);
}

export async function updateLoyaltyMembership(db: Kysely<Database>, id: string, changes: Partial<MembershipFields>, now: string): Promise<void> {
  await db.updateTable('loyalty_memberships').set({ ...toRow(changes), updated_utc: now }).where('id', '=', id).execute();
}

export async function selectLoyaltyMembershipsByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  const postgres = isPostgres(db);
  return rows(db, sql`select ${columns} from ${from(postgres, membershipIndexes.id)}
    where ${isIn(postgres, 'id', ids)} and ${isIn(postgres, 'chain_id', chainIds)}`);
}

/** What "one active membership per account and program" needs to know of a membership. */
export type ActiveMembershipKey = Pick<LoyaltyMembershipRecord, 'id' | 'accountId' | 'loyaltyProgramId'>;

/** Active memberships of these accounts (for "one per account and program"). */
export async function selectActiveMembershipsOfAccounts(
  db: Kysely<Database>, accountIds: readonly string[],
): Promise<ActiveMembershipKey[]> {
  if (accountIds.length === 0) return [];
  const postgres = isPostgres(db);
  // The partial unique index (account_id, loyalty_program_id) WHERE activity_state = 'Active' holds
  // exactly these rows; the literal condition lets both databases use it.
  const accounts = inIdList(postgres, 'account_id', accountIds);
  const result = await sql<ActiveMembershipKey>`select id, account_id as "accountId", loyalty_program_id as "loyaltyProgramId"
    from ${from(postgres, membershipIndexes.activeAccountProgram)} where ${accounts} and activity_state = 'Active'`.execute(db);
  return result.rows;
}

/** Clears the primary flag of an account's other active memberships in a chain. */
export async function clearPrimary(db: Kysely<Database>, chainId: string, accountId: string, exceptId: string, now: string): Promise<void> {
  // The literal conditions match the partial unique index (account_id, chain_id) WHERE activity_state =
  // 'Active' AND is_primary = 1, which holds at most one row per account and chain.
  await sql`update loyalty_memberships set is_primary = 0, updated_utc = ${now}
    where account_id = ${accountId} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1 and id <> ${exceptId}`
    .execute(db);
}

/** Clears the primary flag of every active membership of these accounts in a chain (before an add). */
export async function clearPrimaries(db: Kysely<Database>, chainId: string, accountIds: readonly string[], now: string): Promise<void> {
  if (accountIds.length === 0) return;
  const postgres = isPostgres(db);
  // Named on SQLite: without statistics it would rather walk the chain's (chain_id, activity_state) index.
  await sql`update ${from(postgres, membershipIndexes.primaryAccountChain)} set is_primary = 0, updated_utc = ${now}
    where ${inIdList(postgres, 'account_id', accountIds)} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1`
    .execute(db);
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

// ---------------------------------------------------------------------------------------------
// getAll: one driving index per request, chosen by the most selective filter present; the other
// filters are checked on the rows that index yields. The work of a page is bounded by the filter
// (the rows of the named ids, accounts or numbers; the index entries of a time interval, at most three
// months; or `count` rows per (program, activity state, state) or (chain, activity state[, state])
// range), never by the size of the table.

type Condition = 'chain' | 'activity' | 'ids' | 'accounts' | 'programs' | 'states' | 'numbers' | 'providers' | 'created' | 'updated';

interface Key {
  readonly column: string;
  readonly values: readonly string[];
}

export type MembershipQueryPath =
  /** Rows looked up by a key (few per value), then sorted by seq. */
  | { readonly kind: 'key'; readonly index: string; readonly key: Key; readonly uses: readonly Condition[] }
  /**
   * Rows of accounts: the active ones from the partial unique (account, program) index, the others from
   * the partial (account, seq) index, each index named with the condition that selects its part.
   */
  | { readonly kind: 'accounts'; readonly parts: readonly AccountIndexPart[]; readonly key: Key; readonly uses: readonly Condition[] }
  /** A time interval within (chain, activity state): `seq` from the index alone, sorted; then the page's rows. */
  | { readonly kind: 'range'; readonly index: string; readonly column: 'updated_utc' | 'created_utc'; readonly range: StoredRange; readonly uses: readonly Condition[] }
  /** The newest `count` rows of each combination of key values, each already in seq order, merged. */
  | { readonly kind: 'arms'; readonly index: string; readonly keys: readonly Key[]; readonly uses: readonly Condition[] }
  /** The table in seq order, every condition checked on its rows (only for scopes of very many chains). */
  | { readonly kind: 'scan'; readonly uses: readonly Condition[] };

interface AccountIndexPart {
  readonly index: string;
  /** The index's own WHERE, written out: both databases use a partial index only for a query that repeats it. */
  readonly condition: 'active' | 'inactive';
}

const accountIndexParts = (activityStates: readonly string[]): AccountIndexPart[] => [
  ...(activityStates.includes('Active') ? [{ index: membershipIndexes.activeAccountProgram, condition: 'active' as const }] : []),
  ...(activityStates.some((state) => state !== 'Active') ? [{ index: membershipIndexes.inactiveAccount, condition: 'inactive' as const }] : []),
];

const distinct = (values: readonly string[]) => [...new Set(values)];
const combinations = (keys: readonly Key[]) => keys.reduce((n, key) => n * key.values.length, 1);

/** The driving index of a filter, most selective first. */
export function membershipQueryPath(filter: LoyaltyMembershipFilter): MembershipQueryPath {
  const key = (indexName: string, column: string, values: readonly string[], uses: Condition): MembershipQueryPath =>
    ({ kind: 'key', index: indexName, key: { column, values }, uses: [uses] });
  if (filter.ids) return key(membershipIndexes.id, 'id', filter.ids, 'ids');
  if (filter.membershipNumbers) return key(membershipIndexes.number, 'membership_number', filter.membershipNumbers, 'numbers');
  if (filter.providerMembershipIds) return key(membershipIndexes.provider, 'provider_membership_id', filter.providerMembershipIds, 'providers');
  if (filter.accountIds) {
    return { kind: 'accounts', parts: accountIndexParts(filter.activityStates), key: { column: 'account_id', values: filter.accountIds }, uses: ['accounts'] };
  }
  const chain = { column: 'chain_id', values: distinct(filter.chainIds) };
  const activity = { column: 'activity_state', values: distinct(filter.activityStates) };
  const states = { column: 'state', values: distinct(filter.states ?? allStates) };
  if (filter.updated) return { kind: 'range', index: membershipIndexes.updated, column: 'updated_utc', range: filter.updated, uses: ['chain', 'activity', 'updated'] };
  if (filter.created) return { kind: 'range', index: membershipIndexes.created, column: 'created_utc', range: filter.created, uses: ['chain', 'activity', 'created'] };
  if (filter.programIds) {
    const keys = [{ column: 'loyalty_program_id', values: distinct(filter.programIds) }, activity, states];
    if (combinations(keys) <= maxArms) return { kind: 'arms', index: membershipIndexes.programState, keys, uses: ['programs', 'activity', 'states'] };
  }
  if (filter.states) {
    const keys = [chain, activity, states];
    if (combinations(keys) <= maxArms) return { kind: 'arms', index: membershipIndexes.chainState, keys, uses: ['chain', 'activity', 'states'] };
  }
  if (combinations([chain, activity]) <= maxArms) {
    return { kind: 'arms', index: membershipIndexes.chain, keys: [chain, activity], uses: ['chain', 'activity'] };
  }
  // A portfolio of dozens of chains covers much of the table: its rows come soon in seq order.
  return { kind: 'scan', uses: [] };
}

/** Every condition of the filter and the page, except those the path's index already applies. */
function residualConditions(postgres: boolean, filter: LoyaltyMembershipFilter, page: PageRequest, path: MembershipQueryPath): RawBuilder<unknown>[] {
  const used = new Set<Condition>(path.uses);
  const conditions: RawBuilder<unknown>[] = [];
  const list = (name: Condition, column: string, values: readonly string[] | undefined) => {
    if (values && !used.has(name)) conditions.push(isIn(postgres, column, values));
  };
  list('chain', 'chain_id', filter.chainIds);
  list('activity', 'activity_state', filter.activityStates);
  list('ids', 'id', filter.ids);
  list('accounts', 'account_id', filter.accountIds);
  list('programs', 'loyalty_program_id', filter.programIds);
  list('states', 'state', filter.states);
  list('numbers', 'membership_number', filter.membershipNumbers);
  list('providers', 'provider_membership_id', filter.providerMembershipIds);
  for (const [name, column, range] of [['updated', 'updated_utc', filter.updated], ['created', 'created_utc', filter.created]] as const) {
    if (range && !used.has(name)) conditions.push(sql`${sql.raw(column)} >= ${range.from} and ${sql.raw(column)} < ${range.to}`);
  }
  if (page.beforeSeq !== undefined) conditions.push(sql`seq < ${page.beforeSeq}`);
  return conditions;
}

/** The page's rows, newest first (the columns of LoyaltyMembershipRecord). Exported for bench/explain.ts. */
export function listLoyaltyMembershipsQuery(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest,
): RawBuilder<LoyaltyMembershipRecord> {
  const postgres = isPostgres(db);
  const path = membershipQueryPath(filter);
  const residual = residualConditions(postgres, filter, page, path);
  const where = (driving: readonly RawBuilder<unknown>[]) => and([...driving, ...residual]);
  const limit = page.count;

  if (path.kind === 'key') {
    const driving = [isIn(postgres, path.key.column, path.key.values)];
    if (postgres) {
      // The fence keeps PostgreSQL on the selective index rather than a backward walk of `seq` with a filter.
      return sql`with m as materialized (select ${columns} from loyalty_memberships where ${where(driving)})
        select * from m order by seq desc limit ${limit}`;
    }
    return sql`select ${columns} from ${from(false, path.index)} where ${where(driving)} order by seq desc limit ${limit}`;
  }

  if (path.kind === 'accounts') {
    const part = ({ index, condition }: AccountIndexPart) => sql<LoyaltyMembershipRecord>`select ${columns} from ${from(postgres, index)}
      where ${where([isIn(postgres, path.key.column, path.key.values), sql.raw(condition === 'active' ? "activity_state = 'Active'" : "activity_state <> 'Active'")])}`;
    const parts = sql.join(path.parts.map(part), sql` union all `);
    if (postgres) return sql`with m as materialized (${parts}) select * from m order by seq desc limit ${limit}`;
    return sql`select * from (${parts}) order by seq desc limit ${limit}`;
  }

  if (path.kind === 'range') {
    const column = sql.raw(path.column);
    const driving = [
      isIn(postgres, 'chain_id', filter.chainIds), isIn(postgres, 'activity_state', filter.activityStates),
      sql`${column} >= ${path.range.from}`, sql`${column} < ${path.range.to}`,
    ];
    // Without other conditions the inner select reads the index alone (it holds chain, activity state,
    // time and seq): the interval's entries are sorted as integers, and only the page's rows are read.
    if (postgres) {
      // The fence makes PostgreSQL collect the interval first (an ORDER BY seq LIMIT alone tempts it into a
      // backward walk of `seq` that filters on the time, unbounded for an interval in the past).
      return sql`with r as materialized (select seq from loyalty_memberships where ${where(driving)})
        select ${columns} from loyalty_memberships where seq in (select seq from r order by seq desc limit ${limit}) order by seq desc`;
    }
    return sql`select ${columns} from loyalty_memberships
      where seq in (select seq from ${from(false, path.index)} where ${where(driving)} order by seq desc limit ${limit})
      order by seq desc`;
  }

  if (path.kind === 'scan') {
    return sql`select ${columns} from ${sql.raw(postgres ? 'loyalty_memberships' : 'loyalty_memberships not indexed')}
      where ${and(residual)} order by seq desc limit ${limit}`;
  }

  // One arm per combination of key values, each the newest `count` rows of its index range. SQLite names
  // the index and merges the arms, already in seq order. PostgreSQL plans each arm with its values known
  // (a lateral join over the values would hide them and make every key look equally common).
  const tuples = path.keys.reduce<string[][]>((acc, key) => acc.flatMap((tuple) => key.values.map((value) => [...tuple, value])), [[]]);
  const arms = tuples.map((tuple) => sql<LoyaltyMembershipRecord>`select ${columns} from ${from(postgres, path.index)}
    where ${where(path.keys.map((key, i) => sql`${sql.raw(key.column)} = ${tuple[i]}`))}
    order by seq desc limit ${limit}`);
  if (arms.length === 1) return arms[0]!;
  if (postgres) {
    return sql`select * from (${sql.join(arms.map((arm) => sql`(${arm})`), sql` union all `)}) m order by seq desc limit ${limit}`;
  }
  // A compound SELECT ordered by seq: SQLite merges the arms (each at most `count` rows) and stops at the limit.
  return sql`${sql.join(arms.map((arm) => sql`select * from (${arm})`), sql` union all `)} order by seq desc limit ${limit}`;
}

export async function listLoyaltyMemberships(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest,
): Promise<LoyaltyMembershipRecord[]> {
  if (matchesNothing(
    filter.chainIds, filter.activityStates, filter.ids, filter.programIds, filter.accountIds, filter.states,
    filter.membershipNumbers, filter.providerMembershipIds,
  )) return [];
  return rows(db, listLoyaltyMembershipsQuery(db, filter, page));
}
