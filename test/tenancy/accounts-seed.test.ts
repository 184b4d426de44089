// The Customers and Companies of a tenancy seed file (docs/behaviour.md): loaded on start as an upsert,
// usable as membership accounts, fast enough for 100,000 customers, and refused whole when two
// customers of a chain share an email.
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialects, startTestApp, type Dialect, type TestApp } from '../helpers/app.ts';
import { expectJsonAnswer } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

interface SeedFile {
  Chains: { Id: string; Name: string }[];
  Enterprises: { Id: string; ChainId: string; Name: string }[];
  Clients: { Name: string; ClientToken: string }[];
  AccessTokens: { AccessToken: string; ClientToken: string; EnterpriseIds: string[]; IsPortfolio?: boolean }[];
  Customers: { Id: string; ChainId: string; LastName: string; FirstName?: string; Email?: string; LoyaltyCode?: string }[];
  Companies: { Id: string; ChainId: string; Name: string }[];
}

/** A one-chain tenancy with its own tokens, customers and companies. */
function tenancy(customerCount = 3) {
  const chainId = randomUUID();
  const enterpriseId = randomUUID();
  const tokens = { ClientToken: `SEED-CLIENT-${randomUUID()}`, AccessToken: `SEED-ACCESS-${randomUUID()}`, Client: 'accounts seed tests' };
  const seed: SeedFile = {
    Chains: [{ Id: chainId, Name: 'Seeded Chain' }],
    Enterprises: [{ Id: enterpriseId, ChainId: chainId, Name: 'Seeded Hotel' }],
    Clients: [{ Name: 'Seeded Client', ClientToken: tokens.ClientToken }],
    AccessTokens: [{ AccessToken: tokens.AccessToken, ClientToken: tokens.ClientToken, EnterpriseIds: [enterpriseId] }],
    Customers: Array.from({ length: customerCount }, (_, i) => ({
      Id: randomUUID(), ChainId: chainId, LastName: `Guest ${i}`, FirstName: `First ${i}`, Email: `guest.${i}@seed.example.com`,
    })),
    Companies: [{ Id: randomUUID(), ChainId: chainId, Name: 'Seeded Company' }],
  };
  return { chainId, enterpriseId, tokens, seed };
}

async function writeSeed(seed: unknown): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'loyalty-connector-seed-')), 'tenants.json');
  await writeFile(file, JSON.stringify(seed));
  return file;
}

/** Customers of a chain, counted in the database. */
async function customerCount(t: TestApp, chainId: string): Promise<number> {
  const row = await t.store.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n'))
    .where('chain_id', '=', chainId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function companyCount(t: TestApp, chainId: string): Promise<number> {
  const row = await t.store.db.selectFrom('companies').select((eb) => eb.fn.countAll().as('n'))
    .where('chain_id', '=', chainId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Starts an app on the file only (no demo tenancy, no test tenancy). */
const startOnFile = (dialect: Dialect, file: string, databaseUrl?: string) =>
  startTestApp(dialect, { TENANTS_FILE: file, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, { extraSeeds: [] });

describe.each(dialects)('accounts of a tenancy seed ($name)', (dialect) => {
  it('loads the file\'s customers and companies, and they are enrolable with the file\'s token', async () => {
    const { chainId, tokens, seed } = tenancy();
    const t = await startOnFile(dialect, await writeSeed(seed));
    try {
      const customers = await t.call('customers/getAll', {
        ...tokens, CustomerIds: seed.Customers.map((c) => c.Id), Extent: { Customers: true }, Limitation: { Count: 100 },
      });
      expectJsonAnswer(customers, 200);
      expect(customers.body.Customers.map((c: { Id: string }) => c.Id)).toEqual(seed.Customers.map((c) => c.Id).reverse());
      expect(customers.body.Customers[0]).toMatchObject({
        ChainId: chainId, LastName: 'Guest 2', FirstName: 'First 2', Email: 'guest.2@seed.example.com', IsActive: true,
      });
      const companies = await t.call('companies/getAll', { ...tokens, Limitation: { Count: 100 } });
      expectJsonAnswer(companies, 200);
      expect(companies.body.Companies).toEqual([expect.objectContaining({ Id: seed.Companies[0]!.Id, ChainId: chainId, Name: 'Seeded Company', IsActive: true })]);

      const program = await t.call('loyaltyPrograms/add', { ...tokens, LoyaltyPrograms: [{ Name: 'Seeded Club', Code: 'SC' }] });
      expectJsonAnswer(program, 200);
      const programId = program.body.LoyaltyPrograms[0].Id as string;
      const memberships = await t.call('loyaltyMemberships/add', {
        ...tokens,
        LoyaltyMemberships: [
          { AccountId: seed.Customers[0]!.Id, LoyaltyProgramId: programId, IsPrimary: true },
          { AccountId: seed.Companies[0]!.Id.toUpperCase(), LoyaltyProgramId: programId, IsPrimary: true },
        ],
      });
      expectJsonAnswer(memberships, 200);
      expect(memberships.body.LoyaltyMemberships.map((m: { AccountId: string; ChainId: string }) => [m.AccountId, m.ChainId])).toEqual([
        [seed.Customers[0]!.Id, chainId],
        [seed.Companies[0]!.Id, chainId],
      ]);
      // The demo tenancy was not loaded: the file replaces it.
      expect(await t.call('configuration/get', {
        ...gross,
        Client: 'x',
      })).toMatchObject({ status: 401 });
    } finally {
      await t.close();
    }
  });

  /** Starts on `seed`, runs `during`, closes; then starts again on `again` and runs `after`. */
  async function twice(seed: SeedFile, again: SeedFile, during: (t: TestApp) => Promise<void>, after: (t: TestApp) => Promise<void>) {
    // A database that outlives the first app (the helper's persistent database; the run cleans it up).
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const first = await startOnFile(dialect, await writeSeed(seed), databaseUrl);
    try {
      await during(first);
    } finally {
      await first.close();
    }
    const second = await startOnFile(dialect, await writeSeed(again), databaseUrl);
    try {
      await after(second);
    } finally {
      await second.close();
    }
  }

  it('loading the file twice keeps one copy of each account and what was built on them', async () => {
    const { chainId, tokens, seed } = tenancy();
    let membershipId = '';
    await twice(seed, seed, async (first) => {
      expect(await customerCount(first, chainId)).toBe(3);
      expect(await companyCount(first, chainId)).toBe(1);
      const program = await first.call('loyaltyPrograms/add', { ...tokens, LoyaltyPrograms: [{ Name: 'Club', Code: 'C' }] });
      expectJsonAnswer(program, 200);
      const membership = await first.call('loyaltyMemberships/add', {
        ...tokens, LoyaltyMemberships: [{ AccountId: seed.Customers[1]!.Id, LoyaltyProgramId: program.body.LoyaltyPrograms[0].Id, IsPrimary: false }],
      });
      expectJsonAnswer(membership, 200);
      membershipId = membership.body.LoyaltyMemberships[0].Id;
    }, async (second) => {
      expect(await customerCount(second, chainId)).toBe(3);
      expect(await companyCount(second, chainId)).toBe(1);
      const customers = await second.call('customers/getAll', {
        ...tokens, CustomerIds: seed.Customers.map((c) => c.Id), Extent: { Customers: true }, Limitation: { Count: 100 },
      });
      expectJsonAnswer(customers, 200);
      expect(customers.body.Customers.map((c: { Id: string }) => c.Id)).toEqual(seed.Customers.map((c) => c.Id).reverse());
      const companies = await second.call('companies/getAll', { ...tokens, Limitation: { Count: 100 } });
      expectJsonAnswer(companies, 200);
      expect(companies.body.Companies.map((c: { Id: string }) => c.Id)).toEqual([seed.Companies[0]!.Id]);
      const memberships = await second.call('loyaltyMemberships/getAll', { ...tokens, Limitation: { Count: 100 } });
      expectJsonAnswer(memberships, 200);
      expect(memberships.body.LoyaltyMemberships.map((m: { Id: string }) => m.Id)).toEqual([membershipId]);
    });
  });

  it('a second load upserts: a customer\'s and a company\'s changed fields are updated, a new customer is added', async () => {
    const { chainId, tokens, seed } = tenancy();
    const added = { Id: randomUUID(), ChainId: chainId, LastName: 'Newcomer' };
    const changed: SeedFile = {
      ...seed,
      Customers: [...seed.Customers.map((c, i) => (i === 0 ? { ...c, LastName: 'Renamed', LoyaltyCode: 'LC-1' } : c)), added],
      Companies: seed.Companies.map((c) => ({ ...c, Name: 'Renamed Company' })),
    };
    await twice(seed, changed, async () => {}, async (second) => {
      expect(await customerCount(second, chainId)).toBe(4);
      expect(await companyCount(second, chainId)).toBe(1);
      const customers = await second.call('customers/getAll', {
        ...tokens, CustomerIds: [seed.Customers[0]!.Id, added.Id], Extent: { Customers: true }, Limitation: { Count: 100 },
      });
      expectJsonAnswer(customers, 200);
      expect(customers.body.Customers.map((c: { Id: string; LastName: string; LoyaltyCode: string | null }) => [c.Id, c.LastName, c.LoyaltyCode])).toEqual([
        [added.Id, 'Newcomer', null],
        [seed.Customers[0]!.Id, 'Renamed', 'LC-1'],
      ]);
      const companies = await second.call('companies/getAll', { ...tokens, Limitation: { Count: 100 } });
      expectJsonAnswer(companies, 200);
      expect(companies.body.Companies.map((c: { Id: string; Name: string }) => [c.Id, c.Name])).toEqual([[seed.Companies[0]!.Id, 'Renamed Company']]);
    });
  });

  it('loads a file of 100,000 customers', async () => {
    const { chainId, tokens, seed } = tenancy(100_000);
    const file = await writeSeed(seed);
    const started = performance.now();
    const t = await startOnFile(dialect, file);
    const elapsed = performance.now() - started;
    try {
      console.log(`accounts seed (${dialect.name}): 100,000 customers loaded in ${Math.round(elapsed)} ms`);
      expect(await customerCount(t, chainId)).toBe(100_000);
      const sample = [0, 1, 49_999, 99_998, 99_999].map((i) => seed.Customers[i]!);
      const found = await t.call('customers/getAll', {
        ...tokens, CustomerIds: sample.map((c) => c.Id), Extent: { Customers: true }, Limitation: { Count: 10 },
      });
      expectJsonAnswer(found, 200);
      expect(found.body.Customers.map((c: { Id: string; Email: string }) => [c.Id, c.Email])).toEqual(sample.map((c) => [c.Id, c.Email]).reverse());
      const byEmail = await t.call('customers/getAll', {
        ...tokens, Emails: ['GUEST.77777@seed.example.com'], Extent: { Customers: true }, Limitation: { Count: 10 },
      });
      expectJsonAnswer(byEmail, 200);
      expect(byEmail.body.Customers.map((c: { Id: string }) => c.Id)).toEqual([seed.Customers[77_777]!.Id]);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('refuses a customer or company whose ChainId names no chain, naming the entry and field, and applies nothing', async () => {
    for (const kind of ['Customers', 'Companies'] as const) {
      const { tokens, seed } = tenancy();
      const stray = kind === 'Customers'
        ? { ...seed, Customers: [...seed.Customers, { Id: randomUUID(), ChainId: randomUUID(), LastName: 'Stray' }] }
        : { ...seed, Companies: [...seed.Companies, { Id: randomUUID(), ChainId: randomUUID(), Name: 'Stray' }] };
      const index = stray[kind].length - 1;
      const databaseUrl = await dialect.persistentDatabaseUrl();
      await expect(startOnFile(dialect, await writeSeed(stray), databaseUrl)).rejects.toThrow(`${kind}[${index}].ChainId`);
      const fine = tenancy();
      const t = await startOnFile(dialect, await writeSeed(fine.seed), databaseUrl);
      try {
        expect((await t.call('companies/getAll', { ...tokens, Limitation: { Count: 10 } })).status).toBe(401);
        expect(await customerCount(t, seed.Chains[0]!.Id)).toBe(0);
      } finally {
        await t.close();
      }
    }
  });

  it('refuses to start when two customers of a chain share an email, naming Customers[…].Email, and applies nothing', async () => {
    const { tokens, seed } = tenancy();
    const other = tenancy();
    // The same email in another chain is fine; within one chain it is not.
    const duplicate: SeedFile = {
      ...seed,
      Chains: [...seed.Chains, ...other.seed.Chains],
      Enterprises: [...seed.Enterprises, ...other.seed.Enterprises],
      Customers: [
        ...seed.Customers,
        { ...other.seed.Customers[0]!, Email: seed.Customers[0]!.Email! },
        { Id: randomUUID(), ChainId: seed.Chains[0]!.Id, LastName: 'Twin', Email: seed.Customers[1]!.Email! },
      ],
    };
    const databaseUrl = await dialect.persistentDatabaseUrl();
    await expect(startOnFile(dialect, await writeSeed(duplicate), databaseUrl)).rejects.toThrow(/Customers\[4\]\.Email/);

    // Nothing of the refused file was applied: its token is unknown on the same database.
    const fine = tenancy();
    const t = await startOnFile(dialect, await writeSeed(fine.seed), databaseUrl);
    try {
      const refused = await t.call('customers/getAll', { ...tokens, CustomerIds: [seed.Customers[0]!.Id], Extent: { Customers: true }, Limitation: { Count: 10 } });
      expect(refused.status).toBe(401);
      const row = await t.store.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n'))
        .where('id', 'in', duplicate.Customers.map((c) => c.Id)).executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(0);
      expect(await customerCount(t, fine.chainId)).toBe(3);
    } finally {
      await t.close();
    }
  });
});
