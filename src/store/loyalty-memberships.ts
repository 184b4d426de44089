// SQL for loyalty memberships. Functions take `db` (or a transaction) first; the caller owns the boundary.
//
// The membership table is the one that grows (a million rows and more), so its queries are written by
// hand and name the index they walk: the query planner, without statistics, would otherwise prefer the
// (chain_id, activity_state, seq) index for almost every query (two equality columns look selective) and
// walk a whole chain to find a handful of rows. SQLite gets `INDEXED BY`; PostgreSQL, whose planner has
// statistics, gets query shapes that cannot go wrong: a MATERIALIZED CTE around the selective filter, or
// a LATERAL top-N per key. See BENCHMARKS.md for the plan of every filter.
import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Updateable } from 'kysely';
import { LoyaltyMembershipState } from '../contract/loyalty-memberships.ts';
import type { Database, LoyaltyMembershipTable } from './database.ts';
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

/** The indexes the queries below name (migrations 0005 and 0007). */
const index = {
  /** UNIQUE (id): the first UNIQUE constraint of the table in 0005, hence SQLite's name for it. */
  id: 'sqlite_autoindex_loyalty_memberships_1',
  account: 'loyalty_memberships_account_seq',
  number: 'loyalty_memberships_number',
  provider: 'loyalty_memberships_provider_id',
  programState: 'loyalty_memberships_program_state_seq',
  chainState: 'loyalty_memberships_chain_state_seq',
  chainUpdated: 'loyalty_memberships_chain_updated',
  chainCreated: 'loyalty_memberships_chain_created',
} as const;

/** Every membership state: a program filter without MembershipStates walks one (program, state) range per state. */
const allStates: readonly string[] = (LoyaltyMembershipState as unknown as { enum: string[] }).enum;

/** More (key, key) ranges than this and a page merges too many: the chain's own order is walked instead. */
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

const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** `FROM loyalty_memberships`, naming the index on SQLite. */
const from = (postgres: boolean, indexName: string) =>
  sql.raw(postgres ? 'loyalty_memberships' : `loyalty_memberships indexed by ${indexName}`);

/** `column IN (…)`: one array parameter on PostgreSQL, one parameter per value on SQLite. */
function isIn(postgres: boolean, column: string, values: readonly unknown[]): RawBuilder<unknown> {
  return postgres ? sql`${sql.raw(column)} = any(${sql.val(values)})` : sql`${sql.raw(column)} in (${sql.join(values)})`;
}

const and = (conditions: readonly RawBuilder<unknown>[]) => sql.join(conditions, sql` and `);

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

/** Inserts in request order, in multi-row statements (an add carries up to 1000). */
export async function insertLoyaltyMemberships(db: Kysely<Database>, memberships: readonly NewLoyaltyMembership[], now: string): Promise<void> {
  // 500 rows of 15 values stay under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
  const chunk = 500;
  for (let start = 0; start < memberships.length; start += chunk) {
    const values = memberships.slice(start, start + chunk).map((m) => sql`(${sql.join([
      m.id, m.chainId, m.accountId, m.loyaltyProgramId, m.loyaltyTierId, m.state, m.isPrimary ? 1 : 0, m.membershipNumber,
      m.providerMembershipId, m.points, m.expirationDate, m.url, 'Active', now, now,
    ])})`);
    await sql`insert into loyalty_memberships (${insertColumns}) values ${sql.join(values)}`.execute(db);
  }
}

export async function updateLoyaltyMembership(db: Kysely<Database>, id: string, changes: Partial<MembershipFields>, now: string): Promise<void> {
  await db.updateTable('loyalty_memberships').set({ ...toRow(changes), updated_utc: now }).where('id', '=', id).execute();
}

export async function selectLoyaltyMembershipsByIds(
  db: Kysely<Database>, chainIds: readonly string[], ids: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (ids.length === 0 || chainIds.length === 0) return [];
  const postgres = isPostgres(db);
  return rows(db, sql`select ${columns} from ${from(postgres, index.id)}
    where ${isIn(postgres, 'id', ids)} and ${isIn(postgres, 'chain_id', chainIds)}`);
}

/** Active memberships of these accounts (for "one per account and program"). */
export async function selectActiveMembershipsOfAccounts(
  db: Kysely<Database>, accountIds: readonly string[],
): Promise<LoyaltyMembershipRecord[]> {
  if (accountIds.length === 0) return [];
  const postgres = isPostgres(db);
  return rows(db, sql`select ${columns} from ${from(postgres, index.account)}
    where ${isIn(postgres, 'account_id', accountIds)} and activity_state = 'Active'`);
}

/** Clears the primary flag of an account's other active memberships in a chain. */
export async function clearPrimary(db: Kysely<Database>, chainId: string, accountId: string, exceptId: string, now: string): Promise<void> {
  // The literal conditions match the partial unique index (account_id, chain_id) WHERE activity_state =
  // 'Active' AND is_primary = 1, which holds at most one row per account and chain.
  await sql`update loyalty_memberships set is_primary = 0, updated_utc = ${now}
    where account_id = ${accountId} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1 and id <> ${exceptId}`
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
// (the rows of the named ids, accounts, numbers; the rows of a time interval, at most three months;
// or `count` rows per (program, state) or (chain, activity state) range), never by the table size.

type Condition = 'chain' | 'activity' | 'ids' | 'accounts' | 'programs' | 'states' | 'numbers' | 'providers' | 'created' | 'updated' | 'seq';

type Path =
  /** A key the rows are looked up by; the matches are sorted by seq (they are few). */
  | { readonly kind: 'key'; readonly index: string; readonly column: string; readonly values: readonly string[]; readonly uses: Condition }
  /** A time interval within the chains; the rows in it are sorted by seq. */
  | { readonly kind: 'range'; readonly index: string; readonly column: 'updated_utc' | 'created_utc'; readonly range: StoredRange; readonly uses: Condition }
  /** The newest `count` rows of each (first, second) key pair, already in seq order, merged. */
  | {
    readonly kind: 'arms'; readonly index: string;
    readonly first: { readonly column: string; readonly values: readonly string[] };
    readonly second: { readonly column: string; readonly values: readonly string[] };
    readonly uses: readonly Condition[];
  };

/** The driving index of a filter, most selective first. Exported for the plans in BENCHMARKS.md and tests. */
export function membershipQueryPath(filter: LoyaltyMembershipFilter): Path {
  if (filter.ids) return { kind: 'key', index: index.id, column: 'id', values: filter.ids, uses: 'ids' };
  if (filter.membershipNumbers) return { kind: 'key', index: index.number, column: 'membership_number', values: filter.membershipNumbers, uses: 'numbers' };
  if (filter.providerMembershipIds) {
    return { kind: 'key', index: index.provider, column: 'provider_membership_id', values: filter.providerMembershipIds, uses: 'providers' };
  }
  if (filter.accountIds) return { kind: 'key', index: index.account, column: 'account_id', values: filter.accountIds, uses: 'accounts' };
  if (filter.updated) return { kind: 'range', index: index.chainUpdated, column: 'updated_utc', range: filter.updated, uses: 'updated' };
  if (filter.created) return { kind: 'range', index: index.chainCreated, column: 'created_utc', range: filter.created, uses: 'created' };
  if (filter.programIds) {
    const states = filter.states ?? allStates;
    if (new Set(filter.programIds).size * new Set(states).size <= maxArms) {
      return {
        kind: 'arms', index: index.programState,
        first: { column: 'loyalty_program_id', values: filter.programIds }, second: { column: 'state', values: states },
        uses: ['programs', 'states'],
      };
    }
  }
  return {
    kind: 'arms', index: index.chainState,
    first: { column: 'chain_id', values: filter.chainIds }, second: { column: 'activity_state', values: filter.activityStates },
    uses: ['chain', 'activity'],
  };
}

/** Every condition of the filter and the page, except those the path's index already applies. */
function residualConditions(postgres: boolean, filter: LoyaltyMembershipFilter, page: PageRequest, path: Path): RawBuilder<unknown>[] {
  const used = new Set<Condition>(typeof path.uses === 'string' ? [path.uses] : path.uses);
  if (path.kind === 'range') used.add('chain');
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

export function listLoyaltyMembershipsQuery(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest,
): RawBuilder<LoyaltyMembershipRecord> {
  const postgres = isPostgres(db);
  const path = membershipQueryPath(filter);
  const residual = residualConditions(postgres, filter, page, path);
  const where = (driving: readonly RawBuilder<unknown>[]) => and([...driving, ...residual]);

  if (path.kind === 'key' || path.kind === 'range') {
    const driving = path.kind === 'key'
      ? [isIn(postgres, path.column, path.values)]
      : [isIn(postgres, 'chain_id', filter.chainIds), sql`${sql.raw(path.column)} >= ${path.range.from}`, sql`${sql.raw(path.column)} < ${path.range.to}`];
    if (postgres) {
      // The fence keeps PostgreSQL on the selective index instead of a backward walk of `seq`.
      return sql`with m as materialized (select ${columns} from loyalty_memberships where ${where(driving)})
        select * from m order by seq desc limit ${page.count}`;
    }
    return sql`select ${columns} from ${from(false, path.index)} where ${where(driving)} order by seq desc limit ${page.count}`;
  }

  // Distinct keys: a value named twice must not walk its range twice (and return its rows twice).
  const first = { column: path.first.column, values: [...new Set(path.first.values)] };
  const second = { column: path.second.column, values: [...new Set(path.second.values)] };
  if (postgres) {
    return sql`select m.* from unnest(${sql.val(first.values)}::text[]) as k1(v) cross join unnest(${sql.val(second.values)}::text[]) as k2(v)
      cross join lateral (select ${columns} from loyalty_memberships
        where ${where([sql`${sql.raw(first.column)} = k1.v`, sql`${sql.raw(second.column)} = k2.v`])}
        order by seq desc limit ${page.count}) m
      order by m.seq desc limit ${page.count}`;
  }
  const arms = first.values.flatMap((a) => second.values.map((b) =>
    sql<LoyaltyMembershipRecord>`select ${columns} from ${from(false, path.index)}
      where ${where([sql`${sql.raw(first.column)} = ${a}`, sql`${sql.raw(second.column)} = ${b}`])}
      order by seq desc limit ${page.count}`));
  if (arms.length === 1) return arms[0]!;
  // A compound SELECT ordered by seq: SQLite merges the arms (each already in seq order) and stops at the limit.
  return sql`${sql.join(arms.map((arm) => sql`select * from (${arm})`), sql` union all `)} order by seq desc limit ${page.count}`;
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
