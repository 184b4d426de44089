// Grows a benchmark database the way an integration does: loyalty programs and memberships added
// through the API's own operations (`loyaltyPrograms/add`, `loyaltyMemberships/add`, batches of 1000,
// 10% primary), the members of the programs interleaved in every batch. No ANALYZE, no VACUUM: what
// a server that has been written to for a while holds. Customers, which are not the table under
// study, are written straight through the store in large batches (one `customers/add` per customer
// would take hours).
//
//   npx tsx bench/grow.ts --memberships 1m --database ./data/grown-1m.db
//   npx tsx bench/grow.ts --memberships 1m --database 'postgres://root@127.0.0.1:5432/test?schema=grown_1m'
//
// It prints the median time of the adds over each tenth of the growth, and of the last 20 batches.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { buildApp, openStore } from '../src/app.ts';
import { loadSettings } from '../src/settings.ts';
import { insertCustomers } from '../src/store/accounts.ts';
import { demoTenancy } from '../src/tenancy/demo.ts';

const gross = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'Loyalty Connector bench 1.0.0',
};
const chainId = (demoTenancy().Chains ?? [])[0]!.Id.toLowerCase();
const batchSize = 1000;
/** Memberships per customer on average: every customer is in this many of the programs. */
const membershipsPerCustomer = 5;

export interface GrowOptions {
  readonly memberships: number;
  readonly database: string;
  readonly programs?: number;
  readonly log?: (line: string) => void;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function grow(options: GrowOptions): Promise<{ addMs: number[] }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const settings = loadSettings({ DATABASE_URL: options.database, RATE_LIMIT: 'off', LOG_LEVEL: 'warn', CONTROL_API: 'off', ANSWER_CACHE: 'off' });
  const store = await openStore(settings);
  const app = buildApp(settings, { store });
  const call = async (operation: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: `/api/connector/v1/${operation}`, payload: { ...gross, ...body } });
    if (response.statusCode !== 200) throw new Error(`${operation}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return response.json() as Record<string, unknown>;
  };
  try {
    const programCount = options.programs ?? 20;
    const run = randomUUID().slice(0, 8);
    const added = await call('loyaltyPrograms/add', {
      ChainId: chainId,
      LoyaltyPrograms: Array.from({ length: programCount }, (_, i) => ({ Name: `Grown ${run} ${i}`, Code: `G${run}-${i}` })),
    });
    const programIds = (added.LoyaltyPrograms as { Id: string }[]).map((p) => p.Id);
    const customerCount = Math.ceil(options.memberships / membershipsPerCustomer);
    const customerIds = Array.from({ length: customerCount }, () => randomUUID());
    for (let i = 0; i < customerCount; i += 10_000) {
      await store.db.transaction().execute((trx) => insertCustomers(trx, customerIds.slice(i, i + 10_000).map((id, k) => ({
        id, chainId, firstName: 'Grown', lastName: `Customer ${i + k}`, email: `grown.${id}@example.com`, phone: null, loyaltyCode: null,
      })), new Date()));
    }
    log(`${customerCount} customers; growing ${options.memberships} memberships in ${programCount} programs`);
    const states = ['Enrolled', 'Enrolled', 'Enrolled', 'Pending', 'Canceled'];
    const addMs: number[] = [];
    const started = performance.now();
    for (let j = 0; j < options.memberships; j += batchSize) {
      // Membership j: customer j mod C, in round j div C; its program moves on each round, so every
      // customer's programs differ and consecutive memberships belong to different programs.
      const items = Array.from({ length: Math.min(batchSize, options.memberships - j) }, (_, k) => {
        const n = j + k;
        const customer = n % customerCount;
        const round = Math.floor(n / customerCount);
        return {
          AccountId: customerIds[customer],
          LoyaltyProgramId: programIds[(customer + round) % programCount],
          IsPrimary: n % 10 === 0,
          State: states[n % states.length],
          MembershipNumber: `GM${String(n).padStart(9, '0')}`,
          Points: n % 7 === 0 ? null : (n * 37) % 250_000,
        };
      });
      const before = performance.now();
      await call('loyaltyMemberships/add', { ChainId: chainId, LoyaltyMemberships: items });
      addMs.push(performance.now() - before);
      const done = j + items.length;
      if (done % Math.max(batchSize, Math.floor(options.memberships / 10 / batchSize) * batchSize) === 0) {
        log(`  ${done} memberships (${((performance.now() - started) / 1000).toFixed(0)} s), add of 1000: median ${median(addMs.slice(-50)).toFixed(1)} ms over the last 50`);
      }
    }
    log(`add of 1000: median ${median(addMs.slice(-20)).toFixed(1)} ms over the last 20 batches`);
    return { addMs };
  } finally {
    await app.close();
    await store.close();
  }
}

const parseCount = (text: string) => {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`not a count: ${text}`);
  return Math.round(Number(match[1]) * ({ '': 1, k: 1e3, m: 1e6 }[match[2]!.toLowerCase()] ?? 1));
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { memberships: { type: 'string' }, database: { type: 'string' }, programs: { type: 'string' } } });
  await grow({
    memberships: parseCount(values.memberships ?? '10k'),
    database: values.database ?? './data/grown-10k.db',
    ...(values.programs ? { programs: Number(values.programs) } : {}),
  });
}
