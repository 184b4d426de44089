// The soak: the real server in this process on a free port of 127.0.0.1, driven for a set time by a
// bounded loop of workers (one request in flight each, each with a timeout) with a mixed workload:
// adds, updates, deletes and getAll walks over programs, tiers and memberships, accounts, and some bad
// requests. Every few seconds it reports requests, answers by status class, errors and RSS.
//
//   npx tsx bench/soak.ts --seconds 600 [--database ./soak.db | 'postgres://…?schema=soak'] [--concurrency 8] [--report 10]
//   npm run soak -- --seconds 60
//
// An error is a 5xx, a connection error or a timeout; an expected 4xx (a bad request sent on purpose,
// a rule the workload runs into) is not. A request meant to succeed that gets a 4xx is a "surprise":
// reported with a sample, and an error too. Exits 1 if there was any error.
// The last line is `SOAK {json}`, the summary, for scripts (test/reliability/soak.test.ts).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, openStore } from '../src/app.ts';
import { loadSettings } from '../src/settings.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    database: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    report: { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '30000' },
    keep: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const reportEvery = Number(values.report);
const requestTimeoutMs = Number(values['timeout-ms']);
if (!(seconds > 0) || !(concurrency >= 1) || !(reportEvery > 0)) {
  process.stderr.write('usage: soak.ts --seconds N [--database URL] [--concurrency N] [--report SECONDS] [--timeout-ms MS] [--keep]\n');
  process.exit(2);
}

const temporaryDirectory = values.database ? undefined : mkdtempSync(join(tmpdir(), 'loyalty-soak-'));
const databaseUrl = values.database ?? join(temporaryDirectory!, 'soak.db');

const tokens = [
  { ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D', AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D', Client: 'soak 1.0.0' },
  { ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D', AccessToken: '4D6C7ABE0E6A4681B0AFB16900AE5D86-DF50CBC89E1D4FF5859DDF021649ED5', Client: 'soak 1.0.0' },
  { ClientToken: 'E916C341431C4D28A866AD200152DBD3-A046EB5583FFBE94DE1172237763712', AccessToken: 'CC150C355D6A4048A220AD20015483AB-B6D09C0C84B09538077CB8FFBB907B4', Client: 'soak 1.0.0' },
];

// ---------------------------------------------------------------------------------------------
// Counters.

const counters = {
  requests: 0,
  byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 } as Record<string, number>,
  byStatus: new Map<number, number>(),
  connectionErrors: 0,
  timeouts: 0,
  surprises: 0,
  samples: [] as string[],
};
const errorCount = () => counters.byClass['5xx']! + counters.connectionErrors + counters.timeouts + counters.surprises;
const sample = (line: string) => {
  if (counters.samples.length < 20) counters.samples.push(line.slice(0, 500));
};

interface Answer { status: number; body: any }

/** `expected`: the statuses this request is meant to get; anything else in 4xx is a surprise. */
async function call(base: string, operation: string, body: unknown, expected: readonly number[] = [200], raw?: string): Promise<Answer | undefined> {
  counters.requests++;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${base}/api/connector/v1/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw ?? JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') counters.timeouts++;
    else counters.connectionErrors++;
    sample(`${operation}: ${name} ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`);
    return undefined;
  }
  const status = response.status;
  counters.byClass[`${Math.floor(status / 100)}xx`] = (counters.byClass[`${Math.floor(status / 100)}xx`] ?? 0) + 1;
  counters.byStatus.set(status, (counters.byStatus.get(status) ?? 0) + 1);
  if (status >= 500) sample(`${operation} answered ${status}: ${text}`);
  else if (!expected.includes(status)) {
    counters.surprises++;
    sample(`${operation} answered ${status}, expected ${expected.join('/')}: ${text} to ${(raw ?? JSON.stringify(body)).slice(0, 300)}`);
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status, body: parsed };
}

// ---------------------------------------------------------------------------------------------
// A worker: its own records (so workers never race for them), one request at a time.

interface Membership { id: string; accountId: string; programId: string; tierId: string | null }

const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(Math.random() * list.length)];
const chance = (p: number) => Math.random() < p;
const int = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

async function worker(base: string, index: number, deadline: number): Promise<void> {
  const auth = tokens[index % tokens.length]!;
  const tag = `w${index}-${randomUUID().slice(0, 6)}`;
  let serial = 0;
  const next = () => `${tag}-${++serial}`;
  const programs: string[] = [];
  const tiers = new Map<string, string>(); // tier -> program
  const accounts: string[] = [];
  const memberships: Membership[] = [];
  const inUse = (programId: string) => memberships.some((m) => m.programId === programId);

  const addPrograms = async () => {
    const count = int(1, 10);
    const items = Array.from({ length: count }, () => ({ Name: `Soak ${next()}`, Code: next(), Type: pick(['Hotel', 'ExternalPartner', 'SoftBrand', 'Unknown']) }));
    const answer = await call(base, 'loyaltyPrograms/add', { ...auth, LoyaltyPrograms: items });
    if (answer?.status === 200) for (const p of answer.body.LoyaltyPrograms) programs.push(p.Id);
  };
  const deleteProgram = async () => {
    const free = programs.filter((p) => !inUse(p));
    const programId = pick(free);
    if (!programId) return addPrograms();
    const answer = await call(base, 'loyaltyPrograms/delete', { ...auth, LoyaltyProgramIds: [programId] });
    if (answer?.status === 200) {
      programs.splice(programs.indexOf(programId), 1);
      for (const [tier, program] of tiers) if (program === programId) tiers.delete(tier);
    }
  };

  const actions: [number, () => Promise<unknown>][] = [
    [12, addPrograms],
    [8, async () => {
      const id = pick(programs);
      if (!id) return addPrograms();
      return call(base, 'loyaltyPrograms/update', { ...auth, LoyaltyProgramUpdates: [{ LoyaltyProgramId: id, Name: { Value: `Renamed ${next()}` }, Subscription: { Value: pick(['Free', 'Paid']) } }] });
    }],
    [5, deleteProgram],
    [8, async () => {
      const programId = pick(programs);
      if (!programId) return addPrograms();
      const items = Array.from({ length: int(1, 5) }, () => ({ LoyaltyProgramId: programId, Name: `Tier ${serial}`, Code: next(), Ordering: int(-5, 100) }));
      const answer = await call(base, 'loyaltyTiers/add', { ...auth, LoyaltyTiers: items });
      if (answer?.status === 200) for (const tier of answer.body.LoyaltyTiers) tiers.set(tier.Id, programId);
    }],
    [5, async () => {
      const tierId = pick([...tiers.keys()]);
      if (!tierId) return;
      return call(base, 'loyaltyTiers/update', { ...auth, LoyaltyTierUpdates: [{ LoyaltyTierId: tierId, Ordering: { Value: int(0, 1000) }, Code: { Value: next() } }] });
    }],
    [3, async () => {
      const tierId = pick([...tiers.keys()].filter((t) => !memberships.some((m) => m.tierId === t)));
      if (!tierId) return;
      const answer = await call(base, 'loyaltyTiers/delete', { ...auth, LoyaltyTierIds: [tierId] });
      if (answer?.status === 200) tiers.delete(tierId);
    }],
    [4, async () => {
      if (accounts.length >= 150) return;
      const name = next();
      if (chance(0.7)) {
        const answer = await call(base, 'customers/add', { ...auth, LastName: `Soak ${name}`, FirstName: 'Sam', Email: `${name}@soak.example`, OverwriteExisting: false });
        if (answer?.status === 200) accounts.push(answer.body.Id);
      } else {
        const answer = await call(base, 'companies/add', { ...auth, Name: `Soak ${name} Ltd`, Options: { Invoiceable: true, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } });
        if (answer?.status === 200) accounts.push(answer.body.Companies[0].Id);
      }
    }],
    [14, async () => {
      if (memberships.length >= 300) return;
      const items: { AccountId: string; LoyaltyProgramId: string; LoyaltyTierId: string | null; IsPrimary: boolean; Points: number; MembershipNumber: string; ExpirationDate: string }[] = [];
      for (let i = int(1, 5); i > 0; i--) {
        const accountId = pick(accounts);
        const programId = pick(programs);
        if (!accountId || !programId) break;
        const taken = memberships.some((m) => m.accountId === accountId && m.programId === programId) || items.some((m) => m.AccountId === accountId && m.LoyaltyProgramId === programId);
        if (taken) continue;
        const tierId = chance(0.5) ? pick([...tiers].filter(([, p]) => p === programId).map(([t]) => t)) ?? null : null;
        items.push({ AccountId: accountId, LoyaltyProgramId: programId, LoyaltyTierId: tierId, IsPrimary: chance(0.3), Points: int(0, 100_000), MembershipNumber: next(), ExpirationDate: '2031-12-31' });
      }
      if (items.length === 0) return addPrograms();
      const answer = await call(base, 'loyaltyMemberships/add', { ...auth, LoyaltyMemberships: items });
      if (answer?.status === 200) {
        for (const m of answer.body.LoyaltyMemberships) memberships.push({ id: m.Id, accountId: m.AccountId, programId: m.LoyaltyProgramId, tierId: m.LoyaltyTierId });
      }
    }],
    [10, async () => {
      const membership = pick(memberships);
      if (!membership) return;
      return call(base, 'loyaltyMemberships/update', {
        ...auth,
        LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: membership.id, Points: { Value: int(0, 1_000_000) }, State: { Value: pick(['New', 'Pending', 'Enrolled', 'Canceled']) }, IsPrimary: { Value: chance(0.5) } }],
      });
    }],
    [6, async () => {
      const chosen = memberships.splice(0, Math.min(memberships.length, int(1, 4)));
      if (chosen.length === 0) return;
      return call(base, 'loyaltyMemberships/delete', { ...auth, LoyaltyMembershipIds: chosen.map((m) => m.id) });
    }],
    // getAll walks: a few pages from the newest, following the cursor.
    [13, async () => {
      const [operation, filter] = pick<[string, object]>([
        ['loyaltyPrograms/getAll', { ActivityStates: ['Active', 'Deleted'] }],
        ['loyaltyMemberships/getAll', { MembershipStates: ['Enrolled', 'Pending', 'New'] }],
        ['loyaltyMemberships/getAll', { LoyaltyProgramIds: programs.slice(0, 20) }],
        ['loyaltyTiers/getAll', { LoyaltyProgramIds: programs.length ? programs.slice(-50) : [randomUUID()] }],
        ['companies/getAll', {}],
        ['customers/getAll', { CustomerIds: accounts.slice(0, 100).length ? accounts.slice(0, 100) : [randomUUID()], Extent: { Customers: true } }],
        ['loyaltyPrograms/getAll', { UpdatedUtc: { StartUtc: new Date(Date.now() - 3_600_000).toISOString(), EndUtc: new Date(Date.now() + 60_000).toISOString() } }],
      ])!;
      let cursor: string | null = null;
      for (let page = 0; page < int(1, 4); page++) {
        const answer: Answer | undefined = await call(base, operation, { ...auth, ...filter, Limitation: { Count: pick([10, 50, 100]), Cursor: cursor } });
        cursor = answer?.status === 200 ? answer.body.Cursor : null;
        if (!cursor) break;
      }
    }],
    [1, () => call(base, 'configuration/get', { ...auth })],
    // Bad requests, on purpose: each must get its 4xx and nothing worse.
    [5, () => {
      const kind = int(0, 7);
      switch (kind) {
        case 0: return call(base, 'loyaltyPrograms/getAll', undefined, [400], `{"ClientToken":"${auth.ClientToken}",`);
        case 1: return call(base, 'loyaltyPrograms/add', { ...auth, LoyaltyPrograms: Array.from({ length: 1001 }, (_, i) => ({ Name: 'x', Code: `x${i}` })) }, [400]);
        case 2: return call(base, 'loyaltyPrograms/steal', { ...auth }, [404]);
        case 3: return call(base, 'loyaltyPrograms/getAll', { ...auth, AccessToken: 'not-a-token', Limitation: { Count: 1 } }, [401]);
        case 4: return call(base, 'loyaltyMemberships/update', { ...auth, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: randomUUID(), Points: { Value: 1.5 } }] }, [400]);
        case 5: return call(base, 'loyaltyTiers/delete', { ...auth, LoyaltyTierIds: [randomUUID()] }, [400]);
        case 6: return call(base, 'loyaltyPrograms/add', { ...auth, LoyaltyPrograms: [{ Name: 'Dup', Code: 'DUP' }, { Name: 'Dup', Code: 'DUP' }] }, [403]);
        default: return call(base, 'loyaltyPrograms/getAll', { ...auth, CreatedUtc: { StartUtc: '2024-01-01T00:00:00Z', EndUtc: '2025-01-01T00:00:00Z' }, Limitation: { Count: 1 } }, [400]);
      }
    }],
  ];
  const total = actions.reduce((sum, [weight]) => sum + weight, 0);
  const choose = () => {
    let r = Math.random() * total;
    for (const [weight, action] of actions) if ((r -= weight) < 0) return action;
    return actions[0]![1];
  };

  while (Date.now() < deadline) {
    // Keep the worker's working set bounded: past 40 programs, delete before adding.
    if (programs.length > 40) await deleteProgram();
    else await choose()();
  }
}

// ---------------------------------------------------------------------------------------------

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main(): Promise<number> {
  const settings = loadSettings({ DATABASE_URL: databaseUrl, RATE_LIMIT: 'off', DEMO_DATA: 'off', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const store = await openStore(settings);
  const app = buildApp(settings, { store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  process.stdout.write(`soak: ${seconds} s, ${concurrency} workers, ${store.description}, control plane ${settings.controlApi ? 'on' : 'off'}, rss ${mb(rssStart)} MB\n`);

  let lastRequests = 0;
  let lastTime = started;
  const report = () => {
    const now = Date.now();
    const memory = process.memoryUsage();
    rssPeak = Math.max(rssPeak, memory.rss);
    const rate = Math.round(((counters.requests - lastRequests) * 1000) / Math.max(1, now - lastTime));
    lastRequests = counters.requests;
    lastTime = now;
    process.stdout.write(
      `t=${Math.round((now - started) / 1000)}s requests=${counters.requests} (${rate}/s) 2xx=${counters.byClass['2xx']} 4xx=${counters.byClass['4xx']} `
      + `5xx=${counters.byClass['5xx']} conn=${counters.connectionErrors} timeouts=${counters.timeouts} surprises=${counters.surprises} `
      + `errors=${errorCount()} rss=${mb(memory.rss)}MB heap=${mb(memory.heapUsed)}MB\n`,
    );
  };
  const timer = setInterval(report, reportEvery * 1000);
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(base, i, deadline)));
  } finally {
    clearInterval(timer);
  }
  report();
  const rssEnd = process.memoryUsage().rss;
  await app.close();
  await store.close();
  if (temporaryDirectory && !values.keep) rmSync(temporaryDirectory, { recursive: true, force: true });

  const summary = {
    seconds: Math.round((Date.now() - started) / 1000),
    workers: concurrency,
    database: store.description,
    requests: counters.requests,
    requestsPerSecond: Math.round(counters.requests / seconds),
    byClass: counters.byClass,
    byStatus: Object.fromEntries([...counters.byStatus].sort(([a], [b]) => a - b)),
    connectionErrors: counters.connectionErrors,
    timeouts: counters.timeouts,
    surprises: counters.surprises,
    errors: errorCount(),
    rssStartMb: mb(rssStart),
    rssEndMb: mb(rssEnd),
    rssPeakMb: mb(rssPeak),
    samples: counters.samples,
  };
  for (const line of counters.samples) process.stdout.write(`  sample: ${line}\n`);
  process.stdout.write(`SOAK ${JSON.stringify(summary)}\n`);
  return summary.errors === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
