// The query plan of every loyalty membership filter, the page walk and the membership writes' lookups,
// compiled by the store's own code against a seeded database, with the time each query takes.
//
//   npx tsx bench/explain.ts [--database ./data/bench-1m.db | postgres://…?schema=bench_1m] [--markdown]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Compilable, type Kysely, type RawBuilder } from 'kysely';
import { connect } from '../src/store/connect.ts';
import type { Database } from '../src/store/database.ts';
import * as memberships from '../src/store/loyalty-memberships.ts';
import * as pages from '../src/store/loyalty-membership-pages.ts';
import type { LoyaltyMembershipFilter } from '../src/store/loyalty-membership-pages.ts';
import { demoTenancy } from '../src/tenancy/demo.ts';
import { and, checkedOnRows, inIdList } from '../src/store/dialect.ts';

const { values } = parseArgs({ options: { database: { type: 'string' }, markdown: { type: 'boolean' }, runs: { type: 'string' } } });
const database = values.database ?? './data/bench-1m.db';
const postgres = /^postgres/.test(database);
const runs = Number(values.runs ?? 20);
const store = await connect(postgres ? database : resolve(database));
const db = store.db;
const chainId = (demoTenancy().Chains ?? [])[0]!.Id.toLowerCase();

// Fixtures from the data: real ids, accounts, numbers, programs and times.
const total = Number((await sql<{ n: number }>`select count(*) as n from loyalty_memberships`.execute(db)).rows[0]!.n);
const maxSeq = Number((await sql<{ m: number }>`select max(seq) as m from loyalty_memberships`.execute(db)).rows[0]!.m);
const step = Math.max(1, Math.floor(maxSeq / 500));
const sample = (await sql<{ id: string; account_id: string; membership_number: string | null; provider_membership_id: string | null; seq: number }>`
  select id, account_id, membership_number, provider_membership_id, seq from loyalty_memberships
  where chain_id = ${chainId} and activity_state = 'Active' and seq % ${step} = 0 limit 500`.execute(db)).rows;
const programs = (await sql<{ id: string }>`select id from loyalty_programs where chain_id = ${chainId} order by seq limit 2`.execute(db)).rows.map((r) => r.id);
const newest = (await sql<{ updated_utc: string }>`select max(updated_utc) as updated_utc from loyalty_memberships`.execute(db)).rows[0]!.updated_utc;
const hourBefore = new Date(Date.parse(newest) - 3_600_000).toISOString();
const monthBefore = new Date(Date.parse(newest) - 30 * 86_400_000).toISOString();
const yearBefore = (months: number) => new Date(Date.parse(newest) - months * 30 * 86_400_000).toISOString();
const middleSeq = sample[Math.floor(sample.length / 2)]?.seq ?? 1;

const base = { chainIds: [chainId], activityStates: ['Active'] };
const pick = <T>(items: T[], n: number) => items.slice(0, n);
const cases: { name: string; filter: LoyaltyMembershipFilter; beforeSeq?: number }[] = [
  { name: 'no filter (first page)', filter: base },
  { name: 'page walk (Cursor in the middle of the table)', filter: base, beforeSeq: middleSeq },
  { name: 'ActivityStates Active + Deleted', filter: { ...base, activityStates: ['Active', 'Deleted'] } },
  { name: 'LoyaltyMembershipIds (100)', filter: { ...base, ids: pick(sample, 100).map((s) => s.id) } },
  { name: 'AccountIds (60)', filter: { ...base, accountIds: pick(sample, 60).map((s) => s.account_id) } },
  { name: 'AccountIds (60), page 2', filter: { ...base, accountIds: pick(sample, 60).map((s) => s.account_id) }, beforeSeq: middleSeq },
  { name: 'LoyaltyProgramIds (1)', filter: { ...base, programIds: programs.slice(0, 1) } },
  { name: 'LoyaltyProgramIds (2) + MembershipStates (2)', filter: { ...base, programIds: programs, states: ['Enrolled', 'Pending'] } },
  { name: 'LoyaltyProgramIds (2) + MembershipStates (2), page walk', filter: { ...base, programIds: programs, states: ['Enrolled', 'Pending'] }, beforeSeq: middleSeq },
  { name: 'MembershipStates (Declined)', filter: { ...base, states: ['Declined'] } },
  { name: 'MembershipNumbers (50)', filter: { ...base, membershipNumbers: pick(sample.filter((s) => s.membership_number), 50).map((s) => s.membership_number!) } },
  { name: 'ProviderMembershipIds (50)', filter: { ...base, providerMembershipIds: pick(sample.filter((s) => s.provider_membership_id), 50).map((s) => s.provider_membership_id!) } },
  { name: 'UpdatedUtc (last hour)', filter: { ...base, updated: { from: hourBefore, to: newest } } },
  { name: 'UpdatedUtc (last 30 days)', filter: { ...base, updated: { from: monthBefore, to: newest } } },
  { name: 'CreatedUtc (3 months, a year ago)', filter: { ...base, created: { from: yearBefore(15), to: yearBefore(12) } } },
  { name: 'CreatedUtc (3 months) + LoyaltyProgramIds (1)', filter: { ...base, created: { from: yearBefore(15), to: yearBefore(12) }, programIds: programs.slice(0, 1) } },
];

interface Line { name: string; plan: string; ms: number; rows: number }

type Query = Compilable<unknown> | RawBuilder<unknown>;

async function explain(query: Query): Promise<string> {
  // A raw query compiles with the database's dialect; a query builder already knows it.
  const compiled = 'as' in query && 'execute' in query && !('selectAll' in query) ? (query as RawBuilder<unknown>).compile(db) : (query as Compilable<unknown>).compile();
  if (postgres) {
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain (costs off) ${compiled.sql}` });
    // Abbreviate the inlined id arrays.
    return result.rows.map((r) => r['QUERY PLAN'].replace(/'\{([^}]{80,})\}'/g, (_all, list: string) => `'{${list.split(',').length} values}'`)).join('\n');
  }
  const raw = new SqliteDatabase(resolve(database), { readonly: true });
  try {
    const plan = raw.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { id: number; parent: number; detail: string }[];
    const depth = new Map<number, number>([[0, -1]]);
    return plan.map((row) => {
      const d = (depth.get(row.parent) ?? -1) + 1;
      depth.set(row.id, d);
      return `${'  '.repeat(d)}${row.detail}`;
    }).join('\n');
  } finally {
    raw.close();
  }
}

async function time(run: () => Promise<unknown[] | { count: number }>): Promise<{ ms: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const result = await run();
    rows = Array.isArray(result) ? result.length : result.count;
  }
  const started = performance.now();
  for (let i = 0; i < runs; i++) await run();
  return { ms: (performance.now() - started) / runs, rows };
}

const lines: Line[] = [];
for (const c of cases) {
  const page = { count: 100, ...(c.beforeSeq !== undefined ? { beforeSeq: c.beforeSeq } : {}) };
  const query = pages.listLoyaltyMembershipsQuery(db as Kysely<Database>, c.filter, page);
  // What the server runs for a getAll page, its JSON included.
  const measured = await time(() => pages.loyaltyMembershipsPageJson(db, c.filter, page, { profile: 'null', ofRecord: (record) => JSON.stringify(record) }));
  // SQLite's plan is of the statement the request thread runs, its JSON included (a reader thread's
  // joins the rows in SQLite instead).
  const planned = postgres ? query : pages.sqlitePageJsonQuery(query, 'null', false);
  lines.push({ name: `getAll: ${c.name}`, plan: await explain(planned), ...measured });
}

// The lookups of add and update.
const accounts = pick(sample, 100).map((s) => s.account_id);
const thousandIds = [...sample.map((s) => s.account_id), ...Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)].slice(0, 1000);
// The shape of activeAccountIds in src/store/accounts.ts (its customers half).
const customersQuery = sql`select id from customers where ${and([inIdList(postgres, 'id', thousandIds), checkedOnRows(postgres, 'chain_id', chainId), checkedOnRows(postgres, 'activity_state', 'Active')])}`;
const ids = pick(sample, 100).map((s) => s.id);
for (const [name, run, text] of [
  ['add: active memberships of 100 accounts', () => memberships.selectActiveMembershipsOfAccounts(db, accounts),
    sql`select seq from loyalty_memberships ${sql.raw(postgres ? '' : 'indexed by loyalty_memberships_active_account_program')} where ${postgres ? sql`account_id = any(${sql.val(accounts)})` : sql`account_id in (${sql.join(accounts)})`} and activity_state = 'Active'`],
  ['update: memberships by 100 ids', () => memberships.selectLoyaltyMembershipsByIds(db, [chainId], ids),
    sql`select seq from loyalty_memberships ${sql.raw(postgres ? '' : 'indexed by sqlite_autoindex_loyalty_memberships_1')} where ${postgres ? sql`id = any(${sql.val(ids)})` : sql`id in (select value from json_each(${JSON.stringify(ids)}))`} and chain_id = ${chainId}`],
  ['add: clear the primary flag of 100 accounts (clearPrimaries; plan only: it writes)', undefined,
    sql`update ${sql.raw(postgres ? 'loyalty_memberships' : 'loyalty_memberships indexed by loyalty_memberships_primary_account_chain')} set is_primary = 0, updated_utc = 'x'
      where ${inIdList(postgres, 'account_id', accounts)} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1`],
  ['update: clear the primary flag of one account (plan only: it writes)', undefined,
    sql`update loyalty_memberships set is_primary = 0, updated_utc = 'x' where account_id = ${accounts[0]!} and chain_id = ${chainId} and activity_state = 'Active' and is_primary = 1 and id <> ''`],
  ['add: active customers of the chain among 1000 ids (src/store/accounts.ts, activeAccountIds)', async () => (await customersQuery.execute(db)).rows, customersQuery],
] as const) {
  const measured = run ? await time(run as () => Promise<unknown[]>) : { ms: Number.NaN, rows: 0 };
  lines.push({ name, plan: await explain(text as Query), ...measured });
}

if (values.markdown) {
  process.stdout.write(`Plans on ${store.description} (${total} memberships); time is the mean of ${runs} runs through the store function, page of 100.\n\n`);
  for (const line of lines) {
    const timing = Number.isNaN(line.ms) ? '' : ` — ${line.ms.toFixed(2)} ms, ${line.rows} rows`;
    process.stdout.write(`**${line.name}**${timing}\n\n\`\`\`\n${line.plan}\n\`\`\`\n\n`);
  }
} else {
  process.stdout.write(`${store.description}: ${total} memberships\n`);
  for (const line of lines) {
    const timing = Number.isNaN(line.ms) ? '' : `  (${line.ms.toFixed(3)} ms, ${line.rows} rows)`;
    process.stdout.write(`\n${line.name}${timing}\n${line.plan.replace(/^/gm, '    ')}\n`);
  }
}
await store.close();
