// PostgreSQL plans of the hot membership pages with the statistics the server keeps, with the server's
// random_page_cost, and as if the tables had never been analyzed (their pg_statistic rows deleted inside
// a transaction that is rolled back: the database is left as it was). Median of 15 different requests.
//
//   npx tsx bench/plans-without-statistics.ts grown_1m     (a schema of postgres://root@127.0.0.1:5432/test)
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../src/store/database.ts';
import { listLoyaltyMembershipsQuery } from '../src/store/loyalty-membership-pages.ts';
const schema = process.argv[2] ?? 'grown_1m';
const pool = new pg.Pool({ connectionString: 'postgres://root@127.0.0.1:5432/test', options: `-c search_path=${schema}`, max: 1 });
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
const chainId = '8ddea57b-6a5c-4eec-8c4c-24467dce118e';
const client = await pool.connect();
const accounts = (await client.query(`select account_id from loyalty_memberships where seq % 997 = 0 limit 200`)).rows.map((r) => r.account_id as string);
const programs = (await client.query(`select distinct loyalty_program_id as p from loyalty_memberships where seq % 997 = 0`)).rows.map((r) => r.p as string);
const maxSeq = Number((await client.query('select max(seq) m from loyalty_memberships')).rows[0].m);
const cases = {
  'one account': (i: number) => listLoyaltyMembershipsQuery(db, { chainIds: [chainId], activityStates: ['Active'], accountIds: [accounts[i % accounts.length]!] }, { count: 100 }),
  'program page, one state, cursor': (i: number) => listLoyaltyMembershipsQuery(db, { chainIds: [chainId], activityStates: ['Active'], programIds: [programs[i % programs.length]!], states: ['Enrolled'] }, { count: 100, beforeSeq: Math.floor(maxSeq / 2 + (i * 7919) % (maxSeq / 2)) }),
  'page walk': (i: number) => listLoyaltyMembershipsQuery(db, { chainIds: [chainId], activityStates: ['Active'] }, { count: 100, beforeSeq: Math.floor(maxSeq / 2 + (i * 7919) % (maxSeq / 2)) }),
};
const measure = async (label: string) => {
  for (const [name, make] of Object.entries(cases)) {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const q = make(i).compile(db);
      const t0 = performance.now();
      await client.query(q.sql, q.parameters as unknown[]);
      times.push(performance.now() - t0);
      if (performance.now() - t0 > 3000) break;
    }
    times.sort((a, b) => a - b);
    const q = make(0).compile(db);
    const plan = (await client.query(`explain ${q.sql}`, q.parameters as unknown[])).rows.map((r) => r['QUERY PLAN']).filter((l: string) => /Scan|Sort|Limit/.test(l)).slice(0, 4).map((l: string) => l.trim().replace(/\s+\(cost.*$/, '')).join(' / ');
    console.log(`${label} | ${name} | median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms (${times.length} runs) | ${plan}`);
  }
};
await client.query('set random_page_cost = 4');
await measure('analyzed, random_page_cost 4 (PostgreSQL default)');
await client.query('set random_page_cost = 1.1');
await measure('analyzed, random_page_cost 1.1 (the server)');
await client.query('begin');
await client.query(`delete from pg_statistic where starelid in (select oid from pg_class where relnamespace = $1::regnamespace)`, [schema]);
await client.query(`update pg_class set reltuples = 0, relpages = 0 where relnamespace = $1::regnamespace`, [schema]);
await measure('never analyzed (reltuples 0 as left by CREATE INDEX on the empty table)');
await client.query('rollback');
client.release();
await db.destroy();
