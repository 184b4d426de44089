// `npm run bench`: the targets of the benchmark at 1,000,000 memberships on both layouts (the fast
// seed, and a database grown through the API's own adds), on SQLite and PostgreSQL, with the answer
// cache on and off; and at 10,000 (seed) for the latency ratio. Each cell is one bench/run.ts run (the
// server against a bare route, side by side); the databases are made when missing and kept in ./data
// and in PostgreSQL schemas (never in git). A summary against the targets ends the run.
//
//   npm run bench [-- --postgres postgres://root@127.0.0.1:5432/test] [--no-postgres] [--duration 10] [--only <pattern>]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { connect } from '../src/store/connect.ts';
import { grow } from './grow.ts';
import type { BenchReport, ScenarioResult } from './run.ts';
import { seed } from './seed.ts';

const { values } = parseArgs({
  options: {
    postgres: { type: 'string', default: 'postgres://root@127.0.0.1:5432/test' },
    'no-postgres': { type: 'boolean' },
    duration: { type: 'string', default: '10' },
    only: { type: 'string' },
    'add-requests': { type: 'string', default: '20' },
  },
});

interface Cell {
  readonly name: string;
  readonly database: string;
  readonly layout: 'seed' | 'grown';
  readonly memberships: number;
  readonly postgres: boolean;
}

const postgresUrl = (schema: string) => {
  const url = new URL(values.postgres!);
  url.searchParams.set('schema', schema);
  return url.toString();
};

const databases: Cell[] = [
  { name: 'sqlite-seed-1m', database: resolve('data/bench-1m.db'), layout: 'seed', memberships: 1_000_000, postgres: false },
  { name: 'sqlite-grown-1m', database: resolve('data/grown-1m.db'), layout: 'grown', memberships: 1_000_000, postgres: false },
  { name: 'sqlite-seed-10k', database: resolve('data/bench-10k.db'), layout: 'seed', memberships: 10_000, postgres: false },
  ...(values['no-postgres'] ? [] : [
    { name: 'postgres-seed-1m', database: postgresUrl('bench_1m'), layout: 'seed', memberships: 1_000_000, postgres: true },
    { name: 'postgres-grown-1m', database: postgresUrl('grown_1m'), layout: 'grown', memberships: 1_000_000, postgres: true },
    { name: 'postgres-seed-10k', database: postgresUrl('bench_10k'), layout: 'seed', memberships: 10_000, postgres: true },
  ] satisfies Cell[]),
];

async function membershipCount(database: string): Promise<number> {
  const store = await connect(database);
  try {
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from loyalty_memberships`.execute(store.db);
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0; // not migrated yet
  } finally {
    await store.close();
  }
}

/** Makes the database when it does not hold its memberships yet. */
async function ensure(cell: Cell): Promise<void> {
  if (!cell.postgres && !existsSync(cell.database)) {
    // falls through to making it
  } else if (await membershipCount(cell.database) >= cell.memberships) {
    return;
  }
  process.stdout.write(`making ${cell.name} (${cell.layout})\n`);
  if (cell.layout === 'seed') await seed({ memberships: cell.memberships, database: cell.database, fresh: true });
  else await grow({ memberships: cell.memberships, database: cell.database });
}

function run(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`bench/run.ts ${args.join(' ')} exited with ${code}`))));
  });
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const reports: { cell: Cell; cache: string; report: BenchReport }[] = [];
for (const cell of databases) {
  await ensure(cell);
  // The latency ratio needs the 10k databases with the cache off only.
  // 'default' is the server as it starts with no setting (RSS is a target with default settings).
  for (const cache of cell.memberships < 1_000_000 ? ['off'] : ['off', 'default']) {
    const json = resolve(`data/results/${stamp}-${cell.name}-cache-${cache}.json`);
    process.stdout.write(`\n=== ${cell.name}, answer cache ${cache} ===\n`);
    await run(['--database', cell.database, ...(cache === 'default' ? [] : ['--answer-cache', cache]), '--duration', values.duration!, '--add-requests', values['add-requests']!,
      '--json', json, ...(values.only ? ['--only', values.only] : [])]);
    reports.push({ cell, cache, report: JSON.parse(await readFile(json, 'utf8')) as BenchReport });
  }
}

// The summary, against the targets.
const distinct = /distinct|page walk/;
const say = (line: string) => process.stdout.write(`${line}\n`);
say('\nSummary (ratio = the server\'s requests/s over the bare route\'s in the same run)');
say('| database | cache | scenario | req/s | p50 ms | ratio | cached % | RSS MB | target |');
say('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const { cell, cache, report } of reports) {
  const tenK = reports.find((r) => r.cell.postgres === cell.postgres && r.cell.memberships === 10_000 && r.cache === 'off');
  for (const s of report.scenarios) {
    say(`| ${cell.name} | ${cache} | ${s.scenario} | ${s.app.requestsPerSec.toFixed(0)} | ${s.app.p50Ms.toFixed(2)} | ${s.ratio.toFixed(2)} | ${s.cachedPercent.toFixed(0)} | ${s.rssMb.toFixed(0)} | ${verdict(cell, cache, s, tenK?.report.scenarios.find((t) => t.scenario === s.scenario))} |`);
  }
}

function verdict(cell: Cell, cache: string, s: ScenarioResult, tenK: ScenarioResult | undefined): string {
  const notes: string[] = [];
  if (s.rssMb >= 200) notes.push(`RSS ${s.rssMb.toFixed(0)} ≥ 200 MB`);
  if (cell.memberships < 1_000_000) return notes.join('; ') || 'ok';
  if (/add 1000/.test(s.scenario)) {
    const limit = cell.postgres ? 100 : 60;
    notes.push(s.app.p50Ms <= limit ? `add ≤ ${limit} ms` : `add ${s.app.p50Ms.toFixed(0)} > ${limit} ms`);
  } else if (distinct.test(s.scenario)) {
    const limit = cell.postgres ? 0.15 : 0.25;
    notes.push(s.ratio >= limit ? `≥ ${limit}×` : `< ${limit}×`);
    // A load longer than the scenario's distinct bodies repeats some: those are cache hits, not the database.
    if (s.cachedPercent > 5) notes.push(`${s.cachedPercent.toFixed(0)}% repeated (cached): not all distinct`);
    if (tenK && cache === 'off') notes.push(`p50 1M/10k ${(s.app.p50Ms / tenK.app.p50Ms).toFixed(2)}× (≤ 1.3)`);
  } else if (cache !== 'off' && !/update|updates/.test(s.scenario)) {
    notes.push(s.ratio >= 0.5 ? 'repeated ≥ 0.5×' : 'repeated < 0.5×');
  }
  return notes.join('; ');
}
