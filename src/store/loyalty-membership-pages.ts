// getAll of loyalty memberships: the query planner. One driving index per request, chosen by the most
// selective filter present; the other filters are checked on the rows that index yields. The work of a
// page is bounded by the filter (the rows of the named ids, accounts or numbers; the index entries of a
// time interval, at most three months; or `count` rows per (program, activity state, state) or (chain,
// activity state[, state]) range), never by the size of the table.
//
// SQLite gets `INDEXED BY`; PostgreSQL, whose planner has statistics, gets query shapes that cannot go
// wrong: a MATERIALIZED CTE around the selective filter, or a UNION ALL of one top-N per key, each planned
// with its value. See BENCHMARKS.md for every plan.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LoyaltyMembershipState } from '../contract/loyalty-memberships.ts';
import type { Database } from './database.ts';
import { and, inIdList, isPostgres } from './dialect.ts';
import {
  membershipIndexes, membershipsFrom as from, recordColumns as columns, records, type LoyaltyMembershipRecord,
} from './loyalty-memberships.ts';
import { programIdsOfChains } from './loyalty-programs.ts';
import { loyaltyMembershipJson } from './loyalty-membership-json.ts';
import { runsOnReaderThreads } from './sqlite-readers.ts';
import { matchesNothing, recordSeq, type CursorPageRequest, type PageRequest, type StoredRange } from './pages.ts';

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
  /**
   * Every id of `programIds` is a program of `chainIds` (see `withProgramsInChains`). A membership's
   * chain is its program's (a composite foreign key holds it), so the chain condition is then implied
   * and the program index alone selects a page.
   */
  readonly programsInChains?: boolean;
}

/** Every membership state: a program filter without MembershipStates walks one (program, state) range per state. */
const allStates: readonly string[] = (LoyaltyMembershipState as unknown as { enum: string[] }).enum;

/**
 * More key combinations than this and a page would merge too many ranges (SQLite refuses more than 500
 * terms in a compound SELECT): a broader index is walked instead, the extra keys checked on its rows.
 */
const maxArms = 64;

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
    const uses: Condition[] = ['programs', 'activity', 'states', ...(filter.programsInChains ? ['chain' as const] : [])];
    if (combinations(keys) <= maxArms) return { kind: 'arms', index: membershipIndexes.programState, keys, uses };
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
    if (values && !used.has(name)) conditions.push(inIdList(postgres, column, values));
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
  if (page.beforeRecord !== undefined) {
    const { id, chainIds } = page.beforeRecord;
    // An initplan: evaluated once, then a bound of the index range like a literal.
    conditions.push(sql`seq < (select seq from loyalty_memberships where id = ${id} and ${inIdList(postgres, 'chain_id', chainIds)})`);
  }
  return conditions;
}

type Where = (driving: readonly RawBuilder<unknown>[]) => RawBuilder<unknown>;

/** The newest rows of a time interval, read from the (chain, activity, time) index. */
function rangeQuery(
  postgres: boolean, filter: LoyaltyMembershipFilter, path: Extract<MembershipQueryPath, { kind: 'range' }>, where: Where, limit: number,
): RawBuilder<unknown> {
  const column = sql.raw(path.column);
  const driving = [
    inIdList(postgres, 'chain_id', filter.chainIds), inIdList(postgres, 'activity_state', filter.activityStates),
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

function armsQuery(postgres: boolean, path: Extract<MembershipQueryPath, { kind: 'arms' }>, where: Where, limit: number): RawBuilder<unknown> {
  // One arm per combination of key values, each the newest `count` entries of its index range. SQLite
  // names the index and merges the arms, already in seq order. PostgreSQL plans each arm with its values
  // known (a lateral join over the values would hide them and make every key look equally common).
  const tuples = path.keys.reduce<string[][]>((acc, key) => acc.flatMap((tuple) => key.values.map((value) => [...tuple, value])), [[]]);
  const arm = (selected: RawBuilder<unknown>, tuple: readonly string[]) => sql`select ${selected} from ${from(postgres, path.index)}
    where ${where(path.keys.map((key, i) => sql`${sql.raw(key.column)} = ${tuple[i]}`))}
    order by seq desc limit ${limit}`;
  if (tuples.length === 1) return arm(columns, tuples[0]!);
  // Several arms yield only `seq`, which their index holds beside every column their conditions name
  // (the chain of a program filter is implied: see `programsInChains`), so no row is read to merge
  // them; then only the page's rows are read. Arms of whole rows read up to arms × count rows (a
  // program with two states: 200 rows scattered over the table) to answer `count`.
  const arms = tuples.map((tuple) => arm(sql`seq`, tuple));
  const newest = postgres
    ? sql`select seq from (${sql.join(arms.map((a) => sql`(${a})`), sql` union all `)}) a order by seq desc limit ${limit}`
    // A compound SELECT ordered by seq: SQLite merges the arms (each at most `count` entries) and stops at the limit.
    : sql`${sql.join(arms.map((a) => sql`select seq from (${a})`), sql` union all `)} order by seq desc limit ${limit}`;
  return sql`select ${columns} from loyalty_memberships where seq in (${newest}) order by seq desc`;
}

/** The page's rows, newest first (the columns of LoyaltyMembershipRecord). Exported for bench/explain.ts. */
export function listLoyaltyMembershipsQuery(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest,
): RawBuilder<unknown> {
  const postgres = isPostgres(db);
  const path = membershipQueryPath(filter);
  const residual = residualConditions(postgres, filter, page, path);
  const where = (driving: readonly RawBuilder<unknown>[]) => and([...driving, ...residual]);
  const limit = page.count;

  if (path.kind === 'key') {
    const driving = [inIdList(postgres, path.key.column, path.key.values)];
    if (postgres) {
      // The fence keeps PostgreSQL on the selective index rather than a backward walk of `seq` with a filter.
      return sql`with m as materialized (select ${columns} from loyalty_memberships where ${where(driving)})
        select * from m order by seq desc limit ${limit}`;
    }
    return sql`select ${columns} from ${from(false, path.index)} where ${where(driving)} order by seq desc limit ${limit}`;
  }

  if (path.kind === 'accounts') {
    const part = ({ index, condition }: AccountIndexPart) => sql`select ${columns} from ${from(postgres, index)}
      where ${where([inIdList(postgres, path.key.column, path.key.values), sql.raw(condition === 'active' ? "activity_state = 'Active'" : "activity_state <> 'Active'")])}`;
    const parts = sql.join(path.parts.map(part), sql` union all `);
    if (postgres) return sql`with m as materialized (${parts}) select * from m order by seq desc limit ${limit}`;
    return sql`select * from (${parts}) order by seq desc limit ${limit}`;
  }

  if (path.kind === 'range') return rangeQuery(postgres, filter, path, where, limit);

  if (path.kind === 'scan') {
    return sql`select ${columns} from ${sql.raw(postgres ? 'loyalty_memberships' : 'loyalty_memberships not indexed')}
      where ${and(residual)} order by seq desc limit ${limit}`;
  }

  return armsQuery(postgres, path, where, limit);
}

/** The filter with its program ids narrowed to the programs of its chains (one lookup in the small programs table). */
async function withProgramsInChains(db: Kysely<Database>, filter: LoyaltyMembershipFilter): Promise<LoyaltyMembershipFilter> {
  if (!filter.programIds || filter.programsInChains) return filter;
  return { ...filter, programIds: await programIdsOfChains(db, filter.chainIds, filter.programIds), programsInChains: true };
}

const nothingMatches = (filter: LoyaltyMembershipFilter) => matchesNothing(
  filter.chainIds, filter.activityStates, filter.ids, filter.programIds, filter.accountIds, filter.states,
  filter.membershipNumbers, filter.providerMembershipIds,
);

/**
 * SQLite's page, written by SQLite: each row its LoyaltyMembership text (see `loyaltyMembershipJson`),
 * in the page's order, and the id of the oldest row. Where it is read decides the form:
 *
 * - On a reader thread, one text: SQLite joins the rows (`string_agg`, the oldest id a bare column of the
 *   row of `min(seq)`) into `items_utf8`, which the reader hands over as UTF-8 bytes
 *   (sqlite-reader-worker.mjs): the request thread, the busier one, neither copies nor encodes the page.
 * - On the request thread's connection, one text per row, joined there: `string_agg(… order by seq)`
 *   sorts the rows' texts in a temporary B-tree, while an outer ORDER BY that is the subquery's own is
 *   read off the subquery without sorting (100 rows of the page walk: ~350 µs against ~245 µs).
 *
 * Exported for bench/explain.ts.
 */
export function sqlitePageJsonQuery(query: RawBuilder<unknown>, profile: string, onReaderThread: boolean): RawBuilder<SqlitePageJsonRow> {
  if (onReaderThread) {
    return sql<SqlitePageJsonRow>`select string_agg(${loyaltyMembershipJson(profile)}, ',' order by seq desc) as items_utf8,
      count(*) as count, min(seq) as oldest, id from (${query}) p`;
  }
  return sql<SqlitePageJsonRow>`select ${loyaltyMembershipJson(profile)} as item, id from (${query}) p order by seq desc`;
}

/** A row of `sqlitePageJsonQuery`: the page (reader thread), or one of its rows. */
type SqlitePageJsonRow =
  | { readonly items_utf8: Uint8Array | string | null; readonly count: number; readonly id: string | null }
  | { readonly item: string; readonly id: string };

/** A page of memberships as the wire's JSON: the items joined by commas, and the id of the last (oldest) one. */
export interface LoyaltyMembershipPageJson {
  /** Text, or its UTF-8 bytes (read on a reader thread). */
  readonly items: string | Uint8Array;
  readonly count: number;
  readonly lastId: string | null;
}

/** How a membership's JSON is written: by SQLite from its profile's JSON, or in the process from a record. */
export interface LoyaltyMembershipJsonWriter {
  /** The JSON of CreatorProfile and UpdaterProfile, for SQLite's `loyaltyMembershipJson`. */
  readonly profile: string;
  /** A record's JSON, for PostgreSQL. */
  readonly ofRecord: (record: LoyaltyMembershipRecord) => string;
}

/**
 * A getAll page of memberships as the wire's JSON, or 'unknown cursor' when the cursor is no record the
 * filter's chains hold. On SQLite the database writes it: each row its LoyaltyMembership text (see
 * `loyaltyMembershipJson`), the page one text, so no row becomes an object in the process. On
 * PostgreSQL, whose JSON functions cost its backend more than `ofRecord` costs the server (50 accounts at
 * 1M: 3.2–6.8 ms against 2.1–2.8 ms) on the same cores, the rows are written here, and the cursor's
 * `seq` is looked up inside the page's statement; only an empty page asks whether the cursor exists.
 */
export async function listLoyaltyMembershipsJson(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, request: CursorPageRequest, writer: LoyaltyMembershipJsonWriter,
): Promise<LoyaltyMembershipPageJson | 'unknown cursor'> {
  const postgres = isPostgres(db);
  const cursorId = request.cursorId;
  // SQLite resolves the cursor first: no round trip to save, and the folded form ran slower there
  // (117 µs against 88 µs for a 100-row page of the grown 1M file).
  const knownCursor = async () => cursorId === undefined || await recordSeq(db, 'loyalty_memberships', filter.chainIds, cursorId) !== undefined;
  let page: PageRequest = { count: request.count };
  if (cursorId !== undefined) {
    if (postgres) {
      page = { count: request.count, beforeRecord: { id: cursorId, chainIds: filter.chainIds } };
    } else {
      const beforeSeq = await recordSeq(db, 'loyalty_memberships', filter.chainIds, cursorId);
      if (beforeSeq === undefined) return 'unknown cursor';
      page = { count: request.count, beforeSeq };
    }
  }
  const found = await loyaltyMembershipsPageJson(db, filter, page, writer);
  if (found.count === 0 && postgres && !await knownCursor()) return 'unknown cursor';
  return found;
}

/** A page whose cursor is resolved (or folded into its statement). Exported for bench/explain.ts. */
export async function loyaltyMembershipsPageJson(
  db: Kysely<Database>, filter: LoyaltyMembershipFilter, page: PageRequest, writer: LoyaltyMembershipJsonWriter,
): Promise<LoyaltyMembershipPageJson> {
  const postgres = isPostgres(db);
  const empty = { items: '', count: 0, lastId: null };
  if (nothingMatches(filter)) return empty;
  const narrowed = await withProgramsInChains(db, filter);
  if (nothingMatches(narrowed)) return empty;
  const query = listLoyaltyMembershipsQuery(db, narrowed, page);
  if (postgres) {
    const rows = await records(db, query);
    return { items: rows.map(writer.ofRecord).join(','), count: rows.length, lastId: rows.at(-1)?.id ?? null };
  }
  const { rows } = await sqlitePageJsonQuery(query, writer.profile, runsOnReaderThreads(db)).execute(db);
  const first = rows[0];
  if (!first) return empty;
  if ('items_utf8' in first) return first.count === 0 ? empty : { items: first.items_utf8 ?? '', count: first.count, lastId: first.id };
  const pageRows = rows as readonly { item: string; id: string }[];
  return { items: pageRows.map((row) => row.item).join(','), count: pageRows.length, lastId: pageRows[pageRows.length - 1]!.id };
}
