// Why one database answers slower than another: the store's own getAll queries, every one different,
// run straight on better-sqlite3 (no HTTP, no JSON) under several page-cache settings, with the pages
// each table and index holds. Read-only; the database is not changed.
//
//   npx tsx bench/layout.ts --database ./data/bench-1m.db [--database ./data/grown-1m.db] [--queries 3000]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../src/store/database.ts';
import { listLoyaltyMembershipsQuery, type LoyaltyMembershipFilter } from '../src/store/loyalty-membership-pages.ts';
import { demoTenancy } from '../src/tenancy/demo.ts';

const { values } = parseArgs({ options: { database: { type: 'string', multiple: true }, queries: { type: 'string' } } });
const queries = Number(values.queries ?? 3000);
const chainId = (demoTenancy().Chains ?? [])[0]!.Id.toLowerCase();

const settings = [
  { name: 'cache 64 MiB (the server)', pragmas: ['cache_size = -65536'] },
  { name: 'cache 64 MiB + mmap 4 GiB', pragmas: ['cache_size = -65536', 'mmap_size = 4294967296'] },
  { name: 'cache 2 GiB (everything)', pragmas: ['cache_size = -2097152'] },
  { name: 'cache 8 MiB + mmap 4 GiB', pragmas: ['cache_size = -8192', 'mmap_size = 4294967296'] },
];

function layout(raw: SqliteDatabase.Database): void {
  const pages = raw.prepare(`select name, count(*) as pages, sum(ncell) as cells from dbstat where name like 'loyalty_memberships%' or name like 'sqlite_autoindex_loyalty_memberships%' group by name order by pages desc`).all() as { name: string; pages: number; cells: number }[];
  const table = raw.prepare(`select count(*) as pages, avg(payload) as payload, sum(ncell) as cells from dbstat where name = 'loyalty_memberships' and pagetype = 'leaf'`).get() as { pages: number; payload: number; cells: number };
  const size = (raw.prepare('pragma page_count').pluck().get() as number) * (raw.prepare('pragma page_size').pluck().get() as number);
  const rowBytes = raw.prepare(`select avg(length(id) + length(chain_id) + length(account_id) + length(loyalty_program_id) + coalesce(length(loyalty_tier_id), 0) + length(state)
    + coalesce(length(membership_number), 0) + coalesce(length(provider_membership_id), 0) + coalesce(length(expiration_date), 0) + coalesce(length(url), 0)
    + length(activity_state) + length(created_utc) + length(updated_utc)) from loyalty_memberships`).pluck().get() as number;
  const stats = raw.prepare(`select count(*) from sqlite_master where name = 'sqlite_stat1'`).pluck().get() as number;
  process.stdout.write(`  file ${(size / 1048576).toFixed(0)} MiB; memberships: ${table.cells} rows on ${table.pages} leaf pages (${(table.cells / table.pages).toFixed(1)} rows/page), text ${rowBytes.toFixed(0)} bytes/row; sqlite_stat1 ${stats ? 'present' : 'absent'}\n`);
  process.stdout.write(`  index pages: ${pages.map((p) => `${p.name.replace('loyalty_memberships_', '')} ${p.pages}`).join(', ')}\n`);
}

for (const file of values.database ?? ['./data/bench-1m.db']) {
  const raw = new SqliteDatabase(resolve(file), { readonly: true });
  process.stdout.write(`${file}\n`);
  layout(raw);
  const maxSeq = raw.prepare('select max(seq) from loyalty_memberships').pluck().get() as number;
  const programs = raw.prepare(`select id from loyalty_programs where chain_id = ? and activity_state = 'Active' and exists (select 1 from loyalty_memberships m where m.loyalty_program_id = loyalty_programs.id)`).pluck().all(chainId) as string[];
  const accounts = raw.prepare(`select account_id from loyalty_memberships where chain_id = ? and seq % 97 = 0 limit 5000`).pluck().all(chainId) as string[];
  raw.close();
  const random = (n: number) => Math.floor(Math.random() * n);
  const newerHalf = () => Math.floor(maxSeq / 2) + random(Math.floor(maxSeq / 2));
  const base = { chainIds: [chainId], activityStates: ['Active'] };
  const shapes: { name: string; next: () => { filter: LoyaltyMembershipFilter; beforeSeq?: number } }[] = [
    { name: 'program page (1 program, 1 state, cursor)', next: () => ({ filter: { ...base, programIds: [programs[random(programs.length)]!], states: ['Enrolled'] }, beforeSeq: newerHalf() }) },
    { name: 'one account', next: () => ({ filter: { ...base, accountIds: [accounts[random(accounts.length)]!] } }) },
    { name: 'page walk (cursor)', next: () => ({ filter: base, beforeSeq: newerHalf() }) },
  ];
  for (const setting of settings) {
    const database = new SqliteDatabase(resolve(file), { readonly: true });
    for (const pragma of setting.pragmas) database.pragma(pragma);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    const line: string[] = [];
    for (const shape of shapes) {
      const run = (n: number) => {
        const started = performance.now();
        let rows = 0;
        for (let i = 0; i < n; i++) {
          const { filter, beforeSeq } = shape.next();
          const compiled = listLoyaltyMembershipsQuery(db, filter, { count: 100, ...(beforeSeq !== undefined ? { beforeSeq } : {}) }).compile(db);
          rows += database.prepare(compiled.sql).all(...(compiled.parameters as unknown[])).length;
        }
        return { us: ((performance.now() - started) * 1000) / n, rows: rows / n };
      };
      run(queries); // warm-up: the cache fills as a running server's would
      const measured = run(queries);
      line.push(`${shape.name} ${measured.us.toFixed(0)} µs (${measured.rows.toFixed(0)} rows)`);
    }
    process.stdout.write(`  ${setting.name}: ${line.join('; ')}\n`);
    await db.destroy();
  }
}
