// Generates a realistic benchmark database fast: migrate + demo tenancy through openStore, then loyalty
// programs, tiers, customers and memberships written directly with batched multi-row inserts.
//
//   npx tsx bench/seed.ts --memberships 1000000 --database ./data/bench-1m.db
//   npx tsx bench/seed.ts --memberships 1m --database 'postgres://root@127.0.0.1:5432/test?schema=bench_1m'
//
// The data respects the rules of docs/behaviour.md: at most one active membership per account and program,
// at most one primary active membership per account and chain, tiers of the membership's own program,
// accounts of the membership's chain. The partial unique indexes are rebuilt after the load, so a seed
// that broke a rule would fail there rather than produce a database the server could not have written.
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../src/app.ts';
import { loadSettings } from '../src/settings.ts';
import { demoTenancy } from '../src/tenancy/demo.ts';

export interface SeedOptions {
  /** Number of loyalty memberships. */
  readonly memberships: number;
  /** A SQLite file path or a postgres:// URL (optionally `?schema=name`). */
  readonly database: string;
  /** Customers; default half the memberships. */
  readonly customers?: number;
  /** Loyalty programs per demo chain; default 20. */
  readonly programsPerChain?: number;
  /** Delete an existing database (SQLite file, or PostgreSQL schema) first. */
  readonly fresh?: boolean;
  /** PRNG seed, for a reproducible database. */
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface SeedSummary {
  readonly chains: number;
  readonly programs: number;
  readonly tiers: number;
  readonly customers: number;
  readonly memberships: number;
  readonly activeMemberships: number;
  readonly seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers and identifiers.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A lowercase version-4 UUID from the PRNG. */
function uuidFrom(random: () => number): string {
  const b = new Array<number>(16);
  for (let i = 0; i < 16; i += 4) {
    const x = (random() * 4294967296) >>> 0;
    b[i] = x & 0xff; b[i + 1] = (x >>> 8) & 0xff; b[i + 2] = (x >>> 16) & 0xff; b[i + 3] = x >>> 24;
  }
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return `${hex[b[0]!]}${hex[b[1]!]}${hex[b[2]!]}${hex[b[3]!]}-${hex[b[4]!]}${hex[b[5]!]}-${hex[b[6]!]}${hex[b[7]!]}-${hex[b[8]!]}${hex[b[9]!]}-${hex[b[10]!]}${hex[b[11]!]}${hex[b[12]!]}${hex[b[13]!]}${hex[b[14]!]}${hex[b[15]!]}`;
}

const firstNames = ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Mia', 'Mateo', 'Isla', 'Jan', 'Eva', 'Tomas', 'Aiko', 'Ravi', 'Chloe', 'Hugo'];
const lastNames = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Novak', 'Svoboda', 'Dvorak', 'Martin', 'Bernard', 'Tanaka', 'Patel', 'Kim', 'Nguyen', 'Silva', 'Rossi', 'Muller'];
const programWords = ['Rewards', 'Club', 'Circle', 'Privilege', 'Elite', 'Honors', 'Select', 'Signature', 'Voyager', 'Horizon'];
const tierNames = ['Blue', 'Silver', 'Gold', 'Platinum', 'Diamond'];
const programTypes = ['Hotel', 'Hotel', 'Hotel', 'ExternalPartner', 'SoftBrand', 'Unknown'];

/** Picks from a cumulative distribution. */
function pick<T>(random: () => number, table: readonly (readonly [T, number])[]): T {
  let x = random();
  for (const [value, weight] of table) {
    if (x < weight) return value;
    x -= weight;
  }
  return table[table.length - 1]![0];
}

const membershipStates = [['Enrolled', 0.65], ['Pending', 0.1], ['New', 0.1], ['Canceled', 0.1], ['Declined', 0.05]] as const;
/** How many memberships a customer holds (mean about 2, some customers without any). */
const membershipsPerCustomer = [[0, 0.05], [1, 0.3], [2, 0.35], [3, 0.2], [4, 0.1]] as const;

// ---------------------------------------------------------------------------------------------
// Rows, generated as plain arrays in column order.

const programColumns = ['id', 'chain_id', 'name', 'code', 'type', 'subscription', 'activity_state', 'created_utc', 'updated_utc'] as const;
const tierColumns = ['id', 'chain_id', 'loyalty_program_id', 'name', 'code', 'ordering', 'activity_state', 'created_utc', 'updated_utc'] as const;
const customerColumns = ['id', 'chain_id', 'first_name', 'last_name', 'email', 'email_key', 'phone', 'loyalty_code', 'activity_state', 'created_utc', 'updated_utc'] as const;
const membershipColumns = [
  'id', 'chain_id', 'account_id', 'loyalty_program_id', 'loyalty_tier_id', 'state', 'is_primary', 'membership_number',
  'provider_membership_id', 'points', 'expiration_date', 'url', 'activity_state', 'created_utc', 'updated_utc',
] as const;
/** PostgreSQL array types for unnest, by column. */
const pgTypes: Record<string, string> = { ordering: 'int4', is_primary: 'int4', points: 'int4' };

type Row = (string | number | null)[];

interface Program { id: string; chainId: string; tiers: string[] }

/** Writes rows of one table in batches; `done` flushes and finishes. */
interface TableWriter {
  add(row: Row): void;
  done(): Promise<void>;
}

interface Target {
  /** Secondary indexes of these tables are dropped for the load and rebuilt after it. */
  dropIndexes(tables: readonly string[]): Promise<void>;
  rebuildIndexes(): Promise<void>;
  writer(table: string, columns: readonly string[]): TableWriter;
  begin(): Promise<void>;
  commit(): Promise<void>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

const isPostgres = (url: string) => /^postgres(ql)?:\/\//.test(url);

function sqliteTarget(file: string): Target {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  // A bench database: speed over durability while it loads; the file is checkpointed at the end.
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('temp_store = MEMORY');
  let dropped: { name: string; sql: string }[] = [];
  return {
    async dropIndexes(tables) {
      const placeholders = tables.map(() => '?').join(', ');
      dropped = db.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${placeholders})`)
        .all(...tables) as { name: string; sql: string }[];
      for (const index of dropped) db.exec(`drop index "${index.name}"`);
    },
    async rebuildIndexes() {
      for (const index of dropped) db.exec(index.sql);
      dropped = [];
    },
    writer(table, columns) {
      // Well under SQLite's 32,766 bound parameters per statement.
      const rows = Math.min(500, Math.floor(30_000 / columns.length));
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const statement = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}`);
      const single = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${tuple}`);
      let buffer: (string | number | null)[] = [];
      let count = 0;
      return {
        add(row) {
          for (const value of row) buffer.push(value);
          if (++count === rows) {
            statement.run(buffer);
            buffer = [];
            count = 0;
          }
        },
        async done() {
          for (let i = 0; i < count; i++) single.run(buffer.slice(i * columns.length, (i + 1) * columns.length));
          buffer = [];
          count = 0;
        },
      };
    },
    async begin() { db.exec('begin'); },
    async commit() { db.exec('commit'); },
    async finish() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() { db.close(); },
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  await client.query(`set synchronous_commit = off`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  let dropped: { indexname: string; indexdef: string }[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  return {
    async dropIndexes(tables) {
      // Indexes that back a constraint (primary key, UNIQUE columns) stay; the others are rebuilt.
      const { rows } = await client.query<{ indexname: string; indexdef: string }>(
        `select i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = $1 and i.tablename = any($2)
            and not exists (select 1 from pg_constraint c join pg_class ic on ic.oid = c.conindid
                             join pg_namespace n on n.oid = ic.relnamespace
                            where ic.relname = i.indexname and n.nspname = i.schemaname)`,
        [schema, tables],
      );
      dropped = rows;
      for (const index of dropped) await client.query(`drop index "${schema}"."${index.indexname}"`);
    },
    async rebuildIndexes() {
      for (const index of dropped) await client.query(index.indexdef);
      dropped = [];
    },
    writer(table, columns) {
      const rows = 5000;
      const types = columns.map((c) => pgTypes[c] ?? 'text');
      const text = `insert into ${table} (${columns.join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
      let arrays: (string | number | null)[][] = columns.map(() => []);
      let count = 0;
      const flush = () => {
        if (count === 0) return;
        const values = arrays;
        arrays = columns.map(() => []);
        count = 0;
        // One statement in flight while the next batch is generated.
        pending = pending.then(() => client.query(text, values));
      };
      return {
        add(row) {
          for (let i = 0; i < row.length; i++) arrays[i]!.push(row[i]!);
          if (++count === rows) flush();
        },
        async done() {
          flush();
          await pending;
        },
      };
    },
    async begin() { await client.query('begin'); },
    async commit() { await pending; await client.query('commit'); },
    async finish() {
      // As autovacuum would leave a table that has been there a while: statistics, and the visibility
      // map that lets index-only scans skip the heap.
      await client.query('vacuum analyze');
    },
    async close() { await client.end(); },
  };
}

// ---------------------------------------------------------------------------------------------

export async function seed(options: SeedOptions): Promise<SeedSummary> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const total = Math.max(0, Math.floor(options.memberships));
  const customerCount = options.customers ?? Math.max(1, Math.ceil(total / 2));
  const programsPerChain = options.programsPerChain ?? 20;
  const random = mulberry32(options.seed ?? 20240601);

  const postgres = isPostgres(options.database);
  const database = postgres ? options.database : resolve(options.database);
  if (options.fresh) {
    if (postgres) {
      const parsed = new URL(database);
      const schema = parsed.searchParams.get('schema');
      if (!schema) throw new Error('--fresh on PostgreSQL needs ?schema=name in the URL (the schema is dropped).');
      parsed.searchParams.delete('schema');
      const client = new pg.Client({ connectionString: parsed.toString() });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    } else {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    }
  }

  // Migrate and apply the demo tenancy exactly as the server does.
  const store = await openStore(loadSettings({ DATABASE_URL: database, LOG_LEVEL: 'silent', RATE_LIMIT: 'off', DEMO_DATA: 'off' }));
  try {
    const existing = await store.db.selectFrom('loyalty_memberships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) {
      throw new Error(`${store.description} already holds ${existing.n} loyalty memberships; pass --fresh to start over.`);
    }
  } finally {
    await store.close();
  }
  log(`migrated and applied the demo tenancy (${(performance.now() - started).toFixed(0)} ms)`);

  const chains = (demoTenancy().Chains ?? []).map((c) => c.Id.toLowerCase());
  const target = postgres ? await postgresTarget(database) : sqliteTarget(database);
  const nowMs = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const startMs = nowMs - 3 * yearMs;
  const iso = (ms: number) => new Date(ms).toISOString();

  try {
    await target.dropIndexes(['loyalty_programs', 'loyalty_tiers', 'customers', 'loyalty_memberships']);
    await target.begin();

    // Programs and tiers.
    const programsByChain = new Map<string, Program[]>();
    const programs = target.writer('loyalty_programs', programColumns);
    const tiers = target.writer('loyalty_tiers', tierColumns);
    let tierCount = 0;
    for (const [chainIndex, chainId] of chains.entries()) {
      const list: Program[] = [];
      for (let p = 0; p < programsPerChain; p++) {
        const id = uuidFrom(random);
        const created = iso(startMs - yearMs + p * 86_400_000);
        const name = `${programWords[p % programWords.length]} ${p >= programWords.length ? `${Math.floor(p / programWords.length) + 1} ` : ''}Program`;
        programs.add([id, chainId, name, `BP${chainIndex}-${String(p).padStart(3, '0')}`, programTypes[Math.floor(random() * programTypes.length)]!,
          random() < 0.7 ? 'Free' : 'Paid', 'Active', created, created]);
        const program: Program = { id, chainId, tiers: [] };
        const tierTotal = 3 + Math.floor(random() * 3);
        for (let t = 0; t < tierTotal; t++) {
          const tierId = uuidFrom(random);
          tiers.add([tierId, chainId, id, tierNames[t]!, `T${t + 1}`, t, 'Active', created, created]);
          program.tiers.push(tierId);
          tierCount++;
        }
        list.push(program);
      }
      programsByChain.set(chainId, list);
    }
    await programs.done();
    await tiers.done();

    // Customers, alternating between the chains.
    const customerIds: string[] = new Array(customerCount);
    const customers = target.writer('customers', customerColumns);
    for (let c = 0; c < customerCount; c++) {
      const id = uuidFrom(random);
      customerIds[c] = id;
      const first = firstNames[Math.floor(random() * firstNames.length)]!;
      const last = lastNames[Math.floor(random() * lastNames.length)]!;
      const email = random() < 0.9 ? `${first}.${last}.${c}@example.com` : null;
      const created = iso(startMs + Math.floor((c / customerCount) * (nowMs - startMs - 7_200_000)));
      customers.add([id, chains[c % chains.length]!, first, last, email, email ? email.toLowerCase() : null,
        random() < 0.6 ? `+44 20 ${String(c % 100_000_000).padStart(8, '0')}` : null, random() < 0.3 ? `LC${c}` : null, 'Active', created, created]);
    }
    await customers.done();
    log(`programs ${programsPerChain * chains.length}, tiers ${tierCount}, customers ${customerCount} (${(performance.now() - started).toFixed(0)} ms)`);

    // Which customer holds which membership: per customer a count, adjusted to the requested total,
    // and distinct programs; then shuffled, so an account's memberships are spread over time.
    const counts = new Uint8Array(customerCount);
    let assigned = 0;
    for (let c = 0; c < customerCount; c++) {
      const n = Math.min(pick(random, membershipsPerCustomer), programsPerChain);
      counts[c] = n;
      assigned += n;
    }
    const maxPerCustomer = programsPerChain;
    if (total > customerCount * maxPerCustomer) throw new Error(`${total} memberships need more customers or programs (at most ${maxPerCustomer} per customer).`);
    while (assigned < total) {
      const c = Math.floor(random() * customerCount);
      if (counts[c]! < maxPerCustomer) { counts[c]!++; assigned++; }
    }
    while (assigned > total) {
      const c = Math.floor(random() * customerCount);
      if (counts[c]! > 0) { counts[c]!--; assigned--; }
    }
    const owner = new Uint32Array(total);
    const slot = new Uint8Array(total);
    for (let c = 0, j = 0; c < customerCount; c++) {
      for (let k = 0; k < counts[c]!; k++, j++) { owner[j] = c; slot[j] = k; }
    }
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const o = owner[i]!; owner[i] = owner[j]!; owner[j] = o;
      const s = slot[i]!; slot[i] = slot[j]!; slot[j] = s;
    }
    // Each customer's programs: a random starting program, then the next ones (distinct by construction).
    const firstProgram = new Uint8Array(customerCount);
    const primarySlot = new Int8Array(customerCount).fill(-1);
    for (let c = 0; c < customerCount; c++) {
      firstProgram[c] = Math.floor(random() * programsPerChain);
      if (counts[c]! > 0 && random() < 0.6) primarySlot[c] = Math.floor(random() * counts[c]!);
    }

    const memberships = target.writer('loyalty_memberships', membershipColumns);
    const span = nowMs - startMs - 3_600_000;
    let active = 0;
    for (let j = 0; j < total; j++) {
      const c = owner[j]!;
      const chainId = chains[c % chains.length]!;
      const program = programsByChain.get(chainId)![(firstProgram[c]! + slot[j]!) % programsPerChain]!;
      const createdMs = startMs + Math.floor((j / total) * span);
      const deleted = random() < 0.04;
      if (!deleted) active++;
      const updatedMs = random() < 0.5 ? createdMs : Math.min(nowMs - 60_000, createdMs + Math.floor(random() * 90 * 86_400_000));
      const expires = random() < 0.4 ? `${new Date(createdMs + Math.floor((1 + random() * 3) * yearMs)).toISOString().slice(0, 10)}T00:00:00Z` : null;
      memberships.add([
        uuidFrom(random), chainId, customerIds[c]!, program.id,
        random() < 0.75 ? program.tiers[Math.floor(random() * program.tiers.length)]! : null,
        pick(random, membershipStates),
        primarySlot[c] === slot[j] ? 1 : 0,
        random() < 0.9 ? `M${chainId.slice(0, 2).toUpperCase()}${String(j).padStart(9, '0')}` : null,
        random() < 0.3 ? `prov-${uuidFrom(random).slice(0, 18)}` : null,
        random() < 0.85 ? Math.floor(random() * random() * 250_000) : null,
        expires,
        random() < 0.1 ? `https://loyalty.example.com/m/${j}` : null,
        deleted ? 'Deleted' : 'Active',
        iso(createdMs),
        iso(deleted ? Math.max(updatedMs, createdMs + 1000) : updatedMs),
      ]);
      if ((j + 1) % 250_000 === 0) log(`  memberships ${j + 1} (${(performance.now() - started).toFixed(0)} ms)`);
    }
    await memberships.done();
    await target.commit();
    log(`inserted ${total} memberships (${(performance.now() - started).toFixed(0)} ms); rebuilding indexes`);
    await target.rebuildIndexes();
    await target.finish();
    const seconds = (performance.now() - started) / 1000;
    return {
      chains: chains.length, programs: programsPerChain * chains.length, tiers: tierCount,
      customers: customerCount, memberships: total, activeMemberships: active, seconds,
    };
  } finally {
    await target.close();
  }
}

/** `10000`, `10k`, `1m`, `1_000_000`. */
export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km])?$/i.exec(text.replace(/[_,]/g, ''));
  if (!match) throw new Error(`not a count: ${text}`);
  const unit = { k: 1e3, m: 1e6 }[(match[2] ?? '').toLowerCase() as 'k' | 'm'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

const usage = `Usage: npx tsx bench/seed.ts [options]
  --memberships <n>         memberships to generate: 10000, 10k, 1m, ... (default 10k)
  --database <path|url>     SQLite file or postgres://…?schema=name (default ./data/bench-<n>.db)
  --customers <n>           customers (default memberships / 2)
  --programs-per-chain <n>  loyalty programs in each demo chain (default 20)
  --fresh                   delete the database (file or schema) first
  --allow-large             allow more than 5,000,000 memberships
  --seed <n>                PRNG seed (default fixed, so runs are reproducible)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      memberships: { type: 'string' }, database: { type: 'string' }, customers: { type: 'string' },
      'programs-per-chain': { type: 'string' }, fresh: { type: 'boolean' }, 'allow-large': { type: 'boolean' },
      seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const memberships = parseCount(values.memberships ?? '10k');
  if (memberships > 5_000_000 && !values['allow-large']) throw new Error('more than 5,000,000 memberships: pass --allow-large (and mind the disk).');
  const label = memberships >= 1e6 && memberships % 1e6 === 0 ? `${memberships / 1e6}m` : memberships >= 1e3 && memberships % 1e3 === 0 ? `${memberships / 1e3}k` : String(memberships);
  const database = values.database ?? `./data/bench-${label}.db`;
  if (!isPostgres(database) && existsSync(database) && !values.fresh) {
    process.stdout.write(`${database} exists; it is used only if it holds no memberships yet (pass --fresh to replace it).\n`);
  }
  const summary = await seed({
    memberships,
    database,
    ...(values.customers ? { customers: parseCount(values.customers) } : {}),
    ...(values['programs-per-chain'] ? { programsPerChain: parseCount(values['programs-per-chain']) } : {}),
    fresh: values.fresh ?? false,
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `Seeded ${database.replace(/\/\/[^@/]*@/, '//')}: ${summary.chains} chains, ${summary.programs} programs, ${summary.tiers} tiers, ` +
    `${summary.customers} customers, ${summary.memberships} memberships (${summary.activeMemberships} active) in ${summary.seconds.toFixed(1)} s\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
