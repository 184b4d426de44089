// The tenancy seed file (docs/behaviour.md): applied on start-up as an upsert that never deletes; a file
// that does not match the format is refused with the entry and field named, and nothing of it is
// applied; tokens are kept only as hashes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type Dialect, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

const chainId = 'a1b2c3d4-0000-4000-8000-00000000c001';
const enterpriseId = 'a1b2c3d4-0000-4000-8000-00000000e001';
const secondEnterpriseId = 'a1b2c3d4-0000-4000-8000-00000000e002';
const newChainId = 'a1b2c3d4-0000-4000-8000-00000000c0ff';
const clientToken = 'SEED-CLIENT-TOKEN-5f0c7a61c2d84f0b';
const accessToken = 'SEED-ACCESS-TOKEN-9e3b1d2a7c6f4e58';
const secondAccessToken = 'SEED-ACCESS-TOKEN-2-0d4e6f8a1b3c5d7e';
const seedTokens = { ClientToken: clientToken, AccessToken: accessToken, Client: 'seed tests' };

const validSeed = () => ({
  Chains: [{ Id: chainId, Name: 'Seed Chain' }],
  Enterprises: [{
    Id: enterpriseId, ChainId: chainId, Name: 'Seed Hotel',
    TimeZoneIdentifier: 'Asia/Tokyo', DefaultLanguageCode: 'ja-JP', Pricing: 'Net',
    Currencies: [{ Currency: 'JPY', IsDefault: true, IsEnabled: true }],
  }],
  Clients: [{ Name: 'Seed Client', ClientToken: clientToken }],
  AccessTokens: [{ AccessToken: accessToken, ClientToken: clientToken, EnterpriseIds: [enterpriseId], IsPortfolio: false }],
  Customers: [{ Id: 'a1b2c3d4-0000-4000-8000-0000000c0001', ChainId: chainId, LastName: 'Doe', FirstName: 'Jane', Email: 'jane@example.com' }],
  Companies: [{ Id: 'a1b2c3d4-0000-4000-8000-0000000c0002', ChainId: chainId, Name: 'Acme' }],
});

const tenancyTables = ['chains', 'enterprises', 'clients', 'access_tokens', 'access_token_enterprises'] as const;

describe.each(dialects)('tenancy seed file ($name)', (dialect: Dialect) => {
  let directory: string;
  let t: TestApp | undefined;
  beforeAll(async () => { directory = await mkdtemp(join(tmpdir(), 'loyalty-connector-seed-')); });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  let fileCount = 0;
  const writeSeed = async (seed: unknown) => {
    const path = join(directory, `tenants-${++fileCount}.json`);
    await writeFile(path, typeof seed === 'string' ? seed : JSON.stringify(seed, null, 2));
    return path;
  };
  /** Starts the app on the file alone (no test tenancy), optionally on a database that outlives it. */
  const start = (file: string, databaseUrl?: string) =>
    startTestApp(dialect, { TENANTS_FILE: file, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, { extraSeeds: [] });
  const rowCounts = async (app: TestApp) => {
    const counts: Record<string, number> = {};
    for (const table of tenancyTables) counts[table] = (await app.store.db.selectFrom(table).selectAll().execute()).length;
    return counts;
  };

  it('makes the file\'s tokens work, and only them', async () => {
    t = await start(await writeSeed(validSeed()));
    const configuration = await t.call('configuration/get', { ...seedTokens });
    expectJsonAnswer(configuration, 200);
    expect(configuration.body.Enterprise).toMatchObject({
      Id: enterpriseId, ChainId: chainId, ChainName: 'Seed Chain', Name: 'Seed Hotel',
      TimeZoneIdentifier: 'Asia/Tokyo', DefaultLanguageCode: 'ja-JP', Pricing: 'Net',
      Currencies: [{ Currency: 'JPY', IsDefault: true, IsEnabled: true }], IsPortfolio: false,
    });
    const added = await t.call('loyaltyPrograms/add', { ...seedTokens, LoyaltyPrograms: [{ Name: 'Seed Club', Code: 'S1' }] });
    expectJsonAnswer(added, 200);
    expect(added.body.LoyaltyPrograms[0].ChainId).toBe(chainId);
    // The file replaces the built-in demo tenancy.
    expectError(await t.call('configuration/get', { ...gross }), 401);
    expectError(await t.call('configuration/get', { ...seedTokens, ClientToken: 'SEED-CLIENT-TOKEN-other' }), 401);
  });

  it('applies the same file twice as an upsert: no error, nothing duplicated, nothing lost', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const file = await writeSeed(validSeed());
    t = await start(file, databaseUrl);
    const before = await rowCounts(t);
    expect(before).toEqual({ chains: 1, enterprises: 1, clients: 1, access_tokens: 1, access_token_enterprises: 1 });
    const added = await t.call('loyaltyPrograms/add', { ...seedTokens, LoyaltyPrograms: [{ Name: 'Seed Club', Code: 'S1' }] });
    expectJsonAnswer(added, 200);
    await t.close();

    t = await start(file, databaseUrl);
    expect(await rowCounts(t)).toEqual(before);
    expectJsonAnswer(await t.call('configuration/get', { ...seedTokens }), 200);
    const listed = await t.call('loyaltyPrograms/getAll', { ...seedTokens, Limitation: { Count: 10 } });
    expectJsonAnswer(listed, 200);
    expect(listed.body.LoyaltyPrograms).toEqual(added.body.LoyaltyPrograms);
  });

  it('updates what a changed file changes and never deletes what it leaves out', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    t = await start(await writeSeed(validSeed()), databaseUrl);
    const first = await t.call('configuration/get', { ...seedTokens });
    expectJsonAnswer(first, 200);
    await t.close();

    const changed = {
      Chains: [{ Id: chainId, Name: 'Seed Chain Renamed' }],
      Enterprises: [
        { Id: enterpriseId, ChainId: chainId, Name: 'Seed Hotel Renamed', TimeZoneIdentifier: 'Asia/Tokyo', Pricing: 'Gross' },
        { Id: secondEnterpriseId, ChainId: chainId, Name: 'Second Seed Hotel' },
      ],
      // The first client and access token are left out: they stay.
      AccessTokens: [{ AccessToken: secondAccessToken, ClientToken: clientToken, EnterpriseIds: [secondEnterpriseId] }],
    };
    t = await start(await writeSeed(changed), databaseUrl);
    const renamed = await t.call('configuration/get', { ...seedTokens });
    expectJsonAnswer(renamed, 200);
    expect(renamed.body.Enterprise).toMatchObject({ Id: enterpriseId, Name: 'Seed Hotel Renamed', ChainName: 'Seed Chain Renamed', Pricing: 'Gross' });
    expect(renamed.body.Enterprise.CreatedUtc).toBe(first.body.Enterprise.CreatedUtc);
    const second = await t.call('configuration/get', { ...seedTokens, AccessToken: secondAccessToken });
    expectJsonAnswer(second, 200);
    expect(second.body.Enterprise).toMatchObject({ Id: secondEnterpriseId, ChainId: chainId, Name: 'Second Seed Hotel' });
    expect(await rowCounts(t)).toEqual({ chains: 1, enterprises: 2, clients: 1, access_tokens: 2, access_token_enterprises: 2 });
  });

  it.each([
    ['an Enterprises ChainId that is not a UUID', (s: any) => { s.Enterprises[0].ChainId = 'not-a-uuid'; }, /Enterprises\[0\]\.ChainId/],
    ['a Chain without a Name', (s: any) => { delete s.Chains[0].Name; }, /Chains\[0\]\.Name/],
    ['an Enterprise without a Name', (s: any) => { s.Enterprises.push({ Id: secondEnterpriseId, ChainId: chainId }); }, /Enterprises\[1\]\.Name/],
    ['an AccessTokens entry without EnterpriseIds', (s: any) => { delete s.AccessTokens[0].EnterpriseIds; }, /AccessTokens\[0\]\.EnterpriseIds/],
    ['an unknown Pricing', (s: any) => { s.Enterprises[0].Pricing = 'Cheap'; }, /Enterprises\[0\]\.Pricing/],
  ])('refuses at start a file with %s, naming the entry and field', async (_label, spoil, message) => {
    const seed = validSeed();
    spoil(seed);
    await expect(start(await writeSeed(seed))).rejects.toThrow(message);
  });

  it('refuses at start a file that is not JSON, naming the file', async () => {
    const file = await writeSeed('{ "Chains": [ }');
    await expect(start(file)).rejects.toThrow(file);
  });

  it('refuses at start a file that does not exist, naming the file', async () => {
    const file = join(directory, 'missing.json');
    await expect(start(file)).rejects.toThrow(file);
  });

  it.each([
    ['a bad field', (s: any) => { s.Enterprises[0].ChainId = 'not-a-uuid'; }, /Enterprises\[0\]\.ChainId/],
    ['an access token of a client that is nowhere', (s: any) => { s.AccessTokens[0].ClientToken = 'NO-SUCH-CLIENT'; }, /AccessTokens\[0\]\.ClientToken/],
    ['a single token with two enterprises', (s: any) => { s.AccessTokens[0].EnterpriseIds.push(enterpriseId.replace('e001', 'e0ff')); }, /AccessTokens\[0\]\.EnterpriseIds/],
  ])('applies nothing of a file refused for %s', async (_label, spoil, message) => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const valid = await writeSeed(validSeed());
    t = await start(valid, databaseUrl);
    const before = await rowCounts(t);
    await t.close();
    t = undefined;

    // A file that would add a chain, an enterprise, a client and a token, but is wrong somewhere.
    const seed: any = validSeed();
    seed.Chains.push({ Id: newChainId, Name: 'New Chain' });
    seed.Chains[0].Name = 'Renamed by a refused file';
    seed.Enterprises.push({ Id: enterpriseId.replace('e001', 'e0ff'), ChainId: newChainId, Name: 'New Hotel' });
    seed.Clients.push({ Name: 'New Client', ClientToken: 'NEW-CLIENT-TOKEN' });
    seed.AccessTokens.push({ AccessToken: 'NEW-ACCESS-TOKEN', ClientToken: 'NEW-CLIENT-TOKEN', EnterpriseIds: [enterpriseId.replace('e001', 'e0ff')] });
    spoil(seed);
    await expect(start(await writeSeed(seed), databaseUrl)).rejects.toThrow(message);

    t = await start(valid, databaseUrl);
    expect(await rowCounts(t)).toEqual(before);
    expect(await t.store.db.selectFrom('chains').select('id').where('id', '=', newChainId).execute()).toEqual([]);
    const configuration = await t.call('configuration/get', { ...seedTokens });
    expectJsonAnswer(configuration, 200);
    expect(configuration.body.Enterprise.ChainName).toBe('Seed Chain');
    expectError(await t.call('configuration/get', { ClientToken: 'NEW-CLIENT-TOKEN', AccessToken: 'NEW-ACCESS-TOKEN', Client: 'x' }), 401);
  });

  it('stores tokens only as hashes', async () => {
    t = await start(await writeSeed(validSeed()));
    const raw = [clientToken, accessToken];
    let cells = 0;
    for (const table of tenancyTables) {
      for (const row of await t.store.db.selectFrom(table).selectAll().execute()) {
        for (const value of Object.values(row)) {
          cells++;
          for (const token of raw) expect(String(value), `${table}`).not.toContain(token);
        }
      }
    }
    const tokens = await t.store.db.selectFrom('access_tokens').selectAll().execute();
    const clients = await t.store.db.selectFrom('clients').selectAll().execute();
    expect(tokens).toHaveLength(1);
    expect(clients).toHaveLength(1);
    expect(tokens[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[0]!.client_token_hash).toBe(clients[0]!.token_hash);
    expect(cells).toBeGreaterThan(10);
    // And the hashed tokens still authenticate.
    expectJsonAnswer(await t.call('configuration/get', { ...seedTokens }), 200);
  });

  it('stores the demo tokens only as hashes too', async () => {
    t = await startTestApp(dialect);
    const tokens = await t.store.db.selectFrom('access_tokens').selectAll().execute();
    const clients = await t.store.db.selectFrom('clients').selectAll().execute();
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    const text = JSON.stringify([tokens, clients]);
    expect(text).not.toContain(gross.AccessToken);
    expect(text).not.toContain(gross.ClientToken);
    expect(text).not.toContain(gross.AccessToken.toLowerCase());
    expectJsonAnswer(await t.call('configuration/get', { ...gross }), 200);
  });
});
