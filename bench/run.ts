// The benchmark: the real server against a bare Fastify route answering a canned body of the same
// size, side by side in one run, scenario by scenario, with autocannon.
//
//   npx tsx bench/run.ts [--quick] [--database ./data/bench-1m.db | postgres://…?schema=bench_1m] [--json out.json]
//
// Each server runs in a process of its own (bench/server.mjs, the compiled server of dist/) and autocannon runs in this one, so the
// load generator never competes with a server's event loop. Only one load runs at a time.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { writeFile, readFile } from 'node:fs/promises';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { newRecordId } from '../src/loyalty/identifiers.ts';
import { connect } from '../src/store/connect.ts';
import { insertCustomers } from '../src/store/accounts.ts';
import { demoTenancy } from '../src/tenancy/demo.ts';
import { seed } from './seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const base = '/api/connector/v1';
/** The V8 flags `npm start` and the container run the server with (package.json, Dockerfile). */
const serverNodeFlags = '--max-semi-space-size=4';

/** The published demo token pair of the gross enterprise (test/helpers/tenancy.ts `gross`). */
const gross = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'Loyalty Connector bench 1.0.0',
};

export interface Measurement {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  readonly responseBytes: number;
  readonly app: Measurement;
  readonly baseline: Measurement;
  /** app requests/s ÷ baseline requests/s. */
  readonly ratio: number;
  readonly rssMb: number;
  /** Share of the app's requests answered from its answer cache, in percent. */
  readonly cachedPercent: number;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly database: string;
  readonly memberships: number;
  readonly machine: { nproc: number; cpu: string; totalMemGb: number; freeMemGb: number; node: string; platform: string };
  readonly settings: { durationSec: number; warmupSec: number; connections: number; addRequests: number };
  readonly scenarios: ScenarioResult[];
}

// ---------------------------------------------------------------------------------------------
// Server processes.

interface ServerProcess {
  readonly port: number;
  readonly child: ChildProcess;
  ask(type: 'rss' | 'close' | 'cache'): Promise<unknown>;
  ask(type: 'canned', body: string): Promise<unknown>;
}

/** Builds dist/ (`npm run build`) when it is missing or older than a file of src/. */
function ensureBuilt(): void {
  const root = join(here, '..');
  const builtAt = existsSync(join(root, 'dist/app.js')) ? statSync(join(root, 'dist/app.js')).mtimeMs : 0;
  const newest = (directory: string): number => readdirSync(directory, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(directory, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
  if (builtAt > newest(join(root, 'src'))) return;
  process.stdout.write('building dist/ (npm run build): the benchmark measures the compiled server\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
}

function startServer(args: string[], execArgv: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child = fork(join(here, 'server.mjs'), args, {
    execArgv,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  return new Promise((resolvePort, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server ${args[0]} exited with ${code}`)));
    child.on('message', (message: { port?: number; id?: number; value?: unknown }) => {
      if (message.port !== undefined) {
        resolvePort({
          port: message.port,
          child,
          ask(type: string, body?: string) {
            const id = ++next;
            return new Promise((answer) => {
              waiting.set(id, answer);
              child.send({ id, type, ...(body !== undefined ? { body } : {}) });
            });
          },
        } as ServerProcess);
      } else if (message.id !== undefined) {
        waiting.get(message.id)?.(message.value);
        waiting.delete(message.id);
      }
    });
  });
}

/** Resolves after `ms` without keeping the process alive. */
const delay = (ms: number) => new Promise((done) => setTimeout(done, ms).unref());

async function stopServer(server: ServerProcess): Promise<void> {
  const exited = new Promise((done) => server.child.once('exit', done));
  await Promise.race([server.ask('close'), delay(5000)]);
  await Promise.race([exited, delay(5000)]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

type Body = Record<string, unknown>;

interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly path: string;
  /** Builds each request's body; `context` is per connection. */
  readonly body: (context: Record<string, unknown>) => Body;
  /** Sees each response (the pagination walk reads its cursor). */
  readonly onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  /** A fixed number of requests on one connection (latency per request), instead of a timed load. */
  readonly sequential?: number;
  /** Each request's path and body, for a scenario that mixes operations (overrides `path` and `body` in loads). */
  readonly next?: () => { readonly path: string; readonly body: Body };
}

interface Fixtures {
  readonly accountSets: string[][];
  readonly distinctAccountSets: string[][];
  readonly programIds: string[];
  /** The chain's programs that have memberships. */
  readonly memberProgramIds: string[];
  readonly membershipIds: string[];
  readonly freshCustomerIds: string[];
  readonly chainProgramIds: string[];
  readonly memberships: number;
}

const grossChainId = (demoTenancy().Chains ?? [])[0]!.Id.toLowerCase();

/** Reads what the scenarios need from the seeded database and adds fresh customers for the adds. */
async function prepareFixtures(database: string, freshCustomers: number): Promise<Fixtures> {
  const store = await connect(database);
  try {
    const db = store.db;
    const total = Number((await sql<{ n: number }>`select count(*) as n from loyalty_memberships`.execute(db)).rows[0]!.n);
    const maxSeq = Number((await sql<{ m: number }>`select max(seq) as m from loyalty_memberships`.execute(db)).rows[0]!.m ?? 0);
    if (total < 200) throw new Error(`${store.description} holds ${total} memberships: seed it first (npx tsx bench/seed.ts).`);

    // Accounts of the gross chain with active memberships, from memberships spread over the table.
    const step = Math.max(1, Math.floor(maxSeq / 4000));
    const sample = await db.selectFrom('loyalty_memberships').select(['account_id', 'seq'])
      .where('chain_id', '=', grossChainId).where('activity_state', '=', 'Active')
      .where(sql<boolean>`seq % ${step} = 0`).limit(4000).execute();
    const accounts = [...new Set(sample.map((r) => r.account_id))];
    const counts = new Map<string, number>();
    for (let i = 0; i < accounts.length; i += 500) {
      const rows = await db.selectFrom('loyalty_memberships').select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('account_id', 'in', accounts.slice(i, i + 500)).where('activity_state', '=', 'Active').groupBy('account_id').execute();
      for (const row of rows) counts.set(row.account_id, Number(row.n));
    }
    // Sets of accounts holding at least 110 active memberships together: each answers a full page of 100.
    const accountSets: string[][] = [];
    let current: string[] = [];
    let held = 0;
    for (const account of accounts) {
      current.push(account);
      held += counts.get(account) ?? 0;
      if (held >= 110) {
        accountSets.push(current);
        current = [];
        held = 0;
        if (accountSets.length === 32) break;
      }
    }
    if (accountSets.length === 0) throw new Error('not enough accounts with memberships for the AccountIds scenario');
    // Thousands of different sets (each starts one account later): no answer is asked for twice in a
    // row of more than the answer cache holds, so every request goes to the database.
    const distinctAccountSets: string[][] = [];
    for (let start = 0; start < accounts.length; start++) {
      const set: string[] = [];
      let together = 0;
      for (let i = start; i < accounts.length && together < 110; i++) {
        set.push(accounts[i]!);
        together += counts.get(accounts[i]!) ?? 0;
      }
      if (together < 110) break;
      distinctAccountSets.push(set);
    }

    const programs = await db.selectFrom('loyalty_memberships').select(['loyalty_program_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('chain_id', '=', grossChainId).where(sql<boolean>`seq % ${step} = 0`)
      .groupBy('loyalty_program_id').orderBy('n', 'desc').limit(2).execute();
    const memberPrograms = await db.selectFrom('loyalty_memberships').select('loyalty_program_id').distinct()
      .where('chain_id', '=', grossChainId).where(sql<boolean>`seq % ${step} = 0`).execute();
    const chainPrograms = await db.selectFrom('loyalty_programs').select('id')
      .where('chain_id', '=', grossChainId).where('activity_state', '=', 'Active').orderBy('seq').execute();
    const memberships = await db.selectFrom('loyalty_memberships').select('id')
      .where('chain_id', '=', grossChainId).where('activity_state', '=', 'Active')
      .where(sql<boolean>`seq % ${Math.max(1, Math.floor(maxSeq / 2000))} = 0`).orderBy('seq').limit(2000).execute();

    // Fresh customers, so every add of 1000 memberships passes the rules (one per account and program).
    const now = new Date();
    // Ids as this server makes them (customers/add, the front desk): time-ordered UUIDs, so a batch's
    // accounts sit together in the account indexes, as they do for customers the server made.
    const freshCustomerIds = Array.from({ length: freshCustomers }, () => newRecordId());
    await db.transaction().execute((trx) => insertCustomers(trx, freshCustomerIds.map((id, i) => ({
      id, chainId: grossChainId, firstName: 'Bench', lastName: 'Fresh', email: `bench.fresh.${id}@example.com`,
      phone: null, loyaltyCode: `BENCH-${i}`,
    })), now));

    return {
      accountSets,
      distinctAccountSets,
      programIds: programs.map((p) => p.loyalty_program_id),
      memberProgramIds: memberPrograms.map((p) => p.loyalty_program_id),
      membershipIds: memberships.map((m) => m.id),
      freshCustomerIds,
      chainProgramIds: chainPrograms.map((p) => p.id),
      memberships: total,
    };
  } finally {
    await store.close();
  }
}

/** Removes what the run added (fresh customers and their memberships), so runs can be repeated. */
async function cleanUp(database: string, customerIds: readonly string[]): Promise<void> {
  const store = await connect(database);
  try {
    for (let i = 0; i < customerIds.length; i += 500) {
      const ids = customerIds.slice(i, i + 500);
      await store.db.deleteFrom('loyalty_memberships').where('account_id', 'in', ids).execute();
      await store.db.deleteFrom('customers').where('id', 'in', ids).execute();
    }
  } finally {
    await store.close();
  }
}

function scenarios(fixtures: Fixtures, addRequests: number): Scenario[] {
  let accountTurn = 0;
  let distinctTurn = 0;
  let mixTurn = 0;
  // The walks' next cursors, shared by the connections: autocannon resets a connection's context after
  // each response when it has a single request, so a cursor kept there would be lost. A walk starts at
  // an active membership of the chain (spread over the newer half of the table) and ends when its Cursor is null.
  const walkCursors: string[] = [];
  let walkTurn = 0;
  // Starts in the newer half (the ids come oldest first), so every walk has many full pages ahead.
  const half = Math.floor(fixtures.membershipIds.length / 2);
  const walkStart = () => fixtures.membershipIds[half + ((walkTurn++ * 7919) % Math.max(1, fixtures.membershipIds.length - half))]!;
  const updateBody = (turn: number) => ({
    ...gross,
    LoyaltyMembershipUpdates: [{
      LoyaltyMembershipId: fixtures.membershipIds[turn % fixtures.membershipIds.length], Points: { Value: (turn * 37) % 100_000 },
    }],
  });
  const accountsBody = () => ({ ...gross, AccountIds: fixtures.accountSets[accountTurn++ % fixtures.accountSets.length], Limitation: { Count: 100 } });
  let updateTurn = 0;
  let addTurn = 0;
  let programPageTurn = 0;
  let singleTurn = 0;
  const singleAccounts = [...new Set(fixtures.distinctAccountSets.flat())];
  const programs = fixtures.chainProgramIds;
  const cursorOf = (body: string): string | null => {
    const at = body.lastIndexOf('"Cursor":');
    if (at < 0) return null;
    const match = /^"Cursor":"([0-9a-f-]{36})"/.exec(body.slice(at));
    return match ? match[1]! : null;
  };
  return [
    {
      name: 'memberships.getAll AccountIds',
      description: 'loyaltyMemberships/getAll, Count 100, AccountIds filter (a set of accounts holding 110+ memberships)',
      path: `${base}/loyaltyMemberships/getAll`,
      body: accountsBody,
    },
    {
      name: 'memberships.getAll AccountIds, 1% updates',
      description: 'as AccountIds, but every 100th request updates a membership (Points): each write drops every cached answer',
      path: `${base}/loyaltyMemberships/getAll`,
      body: accountsBody,
      next: () => {
        const turn = mixTurn++;
        return turn % 100 === 99
          ? { path: `${base}/loyaltyMemberships/update`, body: updateBody(turn) }
          : { path: `${base}/loyaltyMemberships/getAll`, body: accountsBody() };
      },
    },
    {
      name: 'memberships.getAll AccountIds, all distinct',
      description: 'as AccountIds, but thousands of different sets in turn: each request a miss of the answer cache, answered by the database',
      path: `${base}/loyaltyMemberships/getAll`,
      body: () => ({ ...gross, AccountIds: fixtures.distinctAccountSets[distinctTurn++ % fixtures.distinctAccountSets.length], Limitation: { Count: 100 } }),
    },
    {
      name: 'memberships.getAll Programs+States',
      description: 'loyaltyMemberships/getAll, Count 100, LoyaltyProgramIds (2) + MembershipStates (Enrolled, Pending)',
      path: `${base}/loyaltyMemberships/getAll`,
      body: () => ({ ...gross, LoyaltyProgramIds: fixtures.programIds, MembershipStates: ['Enrolled', 'Pending'], Limitation: { Count: 100 } }),
    },
    {
      name: 'memberships.getAll program page, distinct',
      description: 'loyaltyMemberships/getAll, Count 100, LoyaltyProgramIds (1, in turn) + MembershipStates (Enrolled), from a Cursor in the newer half: every request different',
      path: `${base}/loyaltyMemberships/getAll`,
      body: () => {
        const turn = programPageTurn++;
        return {
          ...gross, LoyaltyProgramIds: [fixtures.memberProgramIds[turn % fixtures.memberProgramIds.length]], MembershipStates: ['Enrolled'],
          // Program and Cursor vary together: the bodies repeat only after programs × cursors requests.
          Limitation: { Count: 100, Cursor: fixtures.membershipIds[half + ((Math.floor(turn / fixtures.memberProgramIds.length) * 7919) % Math.max(1, fixtures.membershipIds.length - half))] },
        };
      },
    },
    {
      name: 'memberships.getAll one account, distinct',
      description: 'loyaltyMemberships/getAll, Count 100, AccountIds (1, a different account each time)',
      path: `${base}/loyaltyMemberships/getAll`,
      body: () => ({ ...gross, AccountIds: [singleAccounts[singleTurn++ % singleAccounts.length]], Limitation: { Count: 100 } }),
    },
    {
      name: 'memberships.getAll page walk',
      description: 'loyaltyMemberships/getAll, Count 100, no filter, each request the next page of one of the walks in progress (by Cursor), each walk from a random membership',
      path: `${base}/loyaltyMemberships/getAll`,
      body: () => ({ ...gross, Limitation: { Count: 100, Cursor: walkCursors.pop() ?? walkStart() } }),
      onResponse: (_status, body) => {
        const cursor = cursorOf(body);
        if (cursor) walkCursors.push(cursor);
      },
    },
    {
      name: 'programs.getAll',
      description: 'loyaltyPrograms/getAll, Count 100 (the chain\'s programs)',
      path: `${base}/loyaltyPrograms/getAll`,
      body: () => ({ ...gross, Limitation: { Count: 100 } }),
    },
    {
      name: 'memberships.update 1',
      description: 'loyaltyMemberships/update of one membership (Points), a different membership each time',
      path: `${base}/loyaltyMemberships/update`,
      body: () => updateBody(updateTurn++),
    },
    {
      name: 'memberships.add 1000',
      description: 'loyaltyMemberships/add of 1000 memberships for fresh customers, one request at a time (latency per request)',
      path: `${base}/loyaltyMemberships/add`,
      sequential: addRequests,
      body: () => {
        // Turn t enrols customers [1000·k, 1000·k + 1000) in program p: never twice the same pair.
        const turn = addTurn++;
        const blocks = Math.floor(fixtures.freshCustomerIds.length / 1000);
        const block = turn % blocks;
        const program = programs[Math.floor(turn / blocks) % programs.length]!;
        return {
          ...gross,
          LoyaltyMemberships: fixtures.freshCustomerIds.slice(block * 1000, block * 1000 + 1000).map((accountId, i) => ({
            AccountId: accountId, LoyaltyProgramId: program, IsPrimary: i % 10 === 0, State: 'Enrolled',
            MembershipNumber: `B${turn}-${i}`, Points: i * 7, ExpirationDate: '2030-12-31',
          })),
        };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Load.

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

interface LoadOptions {
  readonly port: number;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly durationSec: number;
  /** Overrides duration: this many requests on one connection. */
  readonly amount?: number;
}

async function load(options: LoadOptions): Promise<Measurement> {
  const { scenario } = options;
  const latencies: number[] = [];
  let errors = 0;
  let ok = 0;
  const started = performance.now();
  let finished = started;
  const request: autocannon.Request = {
    method: 'POST',
    path: scenario.path,
    headers: { 'content-type': 'application/json' },
    setupRequest: (next, context) => {
      if (scenario.next) {
        const { path, body } = scenario.next();
        return { ...next, path, body: JSON.stringify(body) };
      }
      return { ...next, body: JSON.stringify(scenario.body(context as Record<string, unknown>)) };
    },
    ...(scenario.onResponse
      ? { onResponse: (status: number, body: string, context: object) => scenario.onResponse!(status, body, context as Record<string, unknown>) }
      : {}),
  };
  const settings: autocannon.Options = {
    url: `http://127.0.0.1:${options.port}`,
    connections: options.amount ? 1 : options.connections,
    pipelining: 1,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSec }),
    timeout: 60,
    // autocannon notices the end of a timed load on a sampling tick: 100 ms ticks end it on time.
    sampleInt: 100,
    requests: [request],
  };
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(settings, (error, outcome) => (error ? fail(error) : done(outcome)));
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      finished = performance.now();
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(responseTime);
      } else {
        errors++;
      }
    });
  });
  errors += result.errors + result.timeouts;
  const seconds = (finished - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSec: seconds > 0 ? ok / seconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: ok,
    errors,
  };
}

async function post(port: number, path: string, body: Body): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

// ---------------------------------------------------------------------------------------------
// Output.

const columns = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'baseline req/s', 'baseline p50 ms', 'ratio', 'cached %', 'RSS MB', 'bytes', 'errors'] as const;

export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    r.app.requestsPerSec.toFixed(0),
    r.app.p50Ms.toFixed(2),
    r.app.p99Ms.toFixed(2),
    r.baseline.requestsPerSec.toFixed(0),
    r.baseline.p50Ms.toFixed(2),
    r.ratio.toFixed(2),
    r.cachedPercent.toFixed(0),
    r.rssMb.toFixed(0),
    String(r.responseBytes),
    String(r.app.errors),
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [line(columns), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

function describeDatabase(database: string): string {
  return /^postgres/.test(database) ? database.replace(/\/\/[^@/]*@/, '//') : database;
}

// ---------------------------------------------------------------------------------------------

const usage = `Usage: npx tsx bench/run.ts [options]
  --quick                 a 2,000-membership database in a temp dir, half a second per load
  --database <path|url>   the seeded database (default ./data/bench-1m.db)
  --json <file>           also write the results as JSON
  --compare <file>        a JSON of an earlier run: print this run's median latencies against it
  --duration <s>          seconds per load (default 10; quick 0.5)
  --connections <n>       concurrent connections (default 10)
  --add-requests <n>      requests of the add scenario (default 30; quick 3)
  --only <pattern>        only the scenarios whose name matches this regular expression
  --cpu-prof              write a CPU profile of the app server to ./data/profiles
  --readers <n>           the app's SQLITE_READERS (default: the server's default, cores - 1; 0 reads on the request thread)
  --answer-cache <size>   the app's ANSWER_CACHE (default: the server's default, 16mb; off measures every read on the database)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' }, database: { type: 'string' }, json: { type: 'string' }, compare: { type: 'string' },
      duration: { type: 'string' }, connections: { type: 'string' }, 'add-requests': { type: 'string' },
      only: { type: 'string' }, 'cpu-prof': { type: 'boolean' }, 'answer-cache': { type: 'string' }, readers: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const quick = values.quick ?? false;
  const durationSec = Number(values.duration ?? (quick ? 0.5 : 10));
  const warmupSec = quick ? 0.2 : 2;
  const connections = Number(values.connections ?? 10);
  const addRequests = Number(values['add-requests'] ?? (quick ? 3 : 30));
  const began = performance.now();
  const startedAt = new Date().toISOString();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const progress = (line: string) => say(`[${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);

  let temporary: string | undefined;
  let database = values.database ?? './data/bench-1m.db';
  if (quick && !values.database) {
    temporary = mkdtempSync(join(tmpdir(), 'loyalty-bench-'));
    database = join(temporary, 'bench.db');
    const summary = await seed({ memberships: 2000, database });
    progress(`Seeded a quick database: ${summary.memberships} memberships in ${summary.seconds.toFixed(2)} s`);
  } else if (!/^postgres/.test(database)) {
    database = resolve(database);
    if (!existsSync(database)) throw new Error(`${database} does not exist: seed it first (npx tsx bench/seed.ts --memberships 1m --database ${database}).`);
  }

  // Add warm-up requests need fresh customers too: 20 programs take 20 adds per 1000 customers.
  // The sample request, two warm-up requests, then the measured ones.
  const addTotal = addRequests + 3;
  const freshCustomers = 1000 * Math.max(1, Math.ceil(addTotal / 20));
  const fixtures = await prepareFixtures(database, freshCustomers);
  progress(`Fixtures ready (${fixtures.freshCustomerIds.length} fresh customers for the adds)`);
  ensureBuilt();
  let servers: ServerProcess[] = [];
  const results: ScenarioResult[] = [];
  try {
    // The server's V8 flags as `npm start` and the container set them; BENCH_NODE_FLAGS='' measures V8's own defaults.
    const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? serverNodeFlags).split(' ').filter(Boolean);
    const execArgv = [...nodeFlags, ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve('data/profiles')}`] : [])];
    const appEnv = values.readers === undefined ? process.env : { ...process.env, SQLITE_READERS: values.readers };
    const [app, baseline] = await Promise.all([
      startServer(['app', database, ...(values['answer-cache'] ? [values['answer-cache']] : [])], execArgv, appEnv),
      startServer(['baseline']),
    ]);
    servers = [app, baseline];
    progress(`Servers listening. Database: ${describeDatabase(database)} (${fixtures.memberships} memberships); ${durationSec} s per load, ${connections} connections, ${warmupSec} s warm-up`);

    for (const scenario of scenarios(fixtures, addRequests)) {
      if (values.only && !new RegExp(values.only).test(scenario.name)) continue;
      // One real answer: its size is the baseline's canned body, and it must be a 200.
      const sample = await post(app.port, scenario.path, scenario.body({}));
      if (sample.status !== 200) throw new Error(`${scenario.name}: the app answered ${sample.status}: ${sample.text.slice(0, 300)}`);
      await baseline.ask('canned', sample.text);

      const measure = async (port: number): Promise<Measurement> => {
        if (scenario.sequential) {
          await load({ port, scenario, connections: 1, durationSec: 0, amount: quick ? 1 : 2 });
          return load({ port, scenario, connections: 1, durationSec: 0, amount: scenario.sequential });
        }
        await load({ port, scenario, connections, durationSec: warmupSec });
        return load({ port, scenario, connections, durationSec });
      };
      type CacheCounts = { hits: number; misses: number };
      const cacheBefore = await app.ask('cache') as CacheCounts;
      const appMeasurement = await measure(app.port);
      const cacheAfter = await app.ask('cache') as CacheCounts;
      const lookups = cacheAfter.hits - cacheBefore.hits + cacheAfter.misses - cacheBefore.misses;
      const rss = Number(await app.ask('rss'));
      const baselineMeasurement = await measure(baseline.port);
      const result: ScenarioResult = {
        scenario: scenario.name,
        description: scenario.description,
        responseBytes: Buffer.byteLength(sample.text),
        app: appMeasurement,
        baseline: baselineMeasurement,
        ratio: baselineMeasurement.requestsPerSec > 0 ? appMeasurement.requestsPerSec / baselineMeasurement.requestsPerSec : 0,
        rssMb: rss / 1024 / 1024,
        // Of all requests of the load (warm-up included); lookups are made by repeatable reads only.
        cachedPercent: lookups > 0 ? (100 * (cacheAfter.hits - cacheBefore.hits)) / lookups : 0,
      };
      results.push(result);
      progress(`${scenario.name}: ${appMeasurement.requestsPerSec.toFixed(0)} req/s (baseline ${baselineMeasurement.requestsPerSec.toFixed(0)}), p50 ${appMeasurement.p50Ms.toFixed(2)} ms, RSS ${result.rssMb.toFixed(0)} MB`);
    }
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
    progress('Servers stopped');
    await cleanUp(database, fixtures.freshCustomerIds).catch((error: unknown) => say(`clean-up failed: ${String(error)}`));
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    progress('Cleaned up');
  }

  const report: BenchReport = {
    startedAt,
    quick,
    database: describeDatabase(database),
    memberships: fixtures.memberships,
    machine: {
      nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', totalMemGb: totalmem() / 1024 ** 3, freeMemGb: freemem() / 1024 ** 3,
      node: process.version, platform: `${process.platform} ${process.arch}`,
    },
    settings: { durationSec, warmupSec, connections, addRequests },
    scenarios: results,
  };
  say('');
  say(formatTable(results));
  if (values.compare) {
    const earlier = JSON.parse(await readFile(values.compare, 'utf8')) as BenchReport;
    say('');
    say(`Median latency against ${values.compare} (${earlier.memberships} memberships):`);
    for (const result of results) {
      const before = earlier.scenarios.find((s) => s.scenario === result.scenario);
      if (before) say(`  ${result.scenario}: ${before.app.p50Ms.toFixed(2)} ms -> ${result.app.p50Ms.toFixed(2)} ms (${(result.app.p50Ms / before.app.p50Ms).toFixed(2)}x)`);
    }
  }
  if (values.json) {
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    say(`\nWrote ${values.json}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
