// A tenancy file whose entries would override each other (last one wins), or that moves an
// enterprise to another chain, is refused at start naming both entries, and nothing of it is applied.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type Dialect } from '../helpers/app.ts';

const chainId = 'b1b2c3d4-0000-4000-8000-00000000c001';
const otherChainId = 'b1b2c3d4-0000-4000-8000-00000000c002';
const enterpriseId = 'b1b2c3d4-0000-4000-8000-00000000e001';
const otherEnterpriseId = 'b1b2c3d4-0000-4000-8000-00000000e002';
const clientToken = 'DUP-CLIENT-TOKEN-5f0c7a61c2d84f0b';
const accessToken = 'DUP-ACCESS-TOKEN-9e3b1d2a7c6f4e58';
const tokens = { ClientToken: clientToken, AccessToken: accessToken, Client: 'duplicate tests' };

const base = () => ({
  Chains: [{ Id: chainId, Name: 'Chain A' }, { Id: otherChainId, Name: 'Chain B' }],
  Enterprises: [
    { Id: enterpriseId, ChainId: chainId, Name: 'Hotel A' },
    { Id: otherEnterpriseId, ChainId: otherChainId, Name: 'Hotel B' },
  ],
  Clients: [{ Name: 'Client', ClientToken: clientToken }],
  AccessTokens: [{ AccessToken: accessToken, ClientToken: clientToken, EnterpriseIds: [enterpriseId] }],
});

describe.each(dialects)('duplicates in a tenancy file ($name)', (dialect: Dialect) => {
  let directory: string;
  beforeAll(async () => { directory = await mkdtemp(join(tmpdir(), 'loyalty-connector-dup-')); });
  let count = 0;
  const writeSeed = async (seed: unknown) => {
    const path = join(directory, `tenants-${++count}.json`);
    await writeFile(path, JSON.stringify(seed));
    return path;
  };
  const start = (file: string, databaseUrl: string) => startTestApp(dialect, { TENANTS_FILE: file, DATABASE_URL: databaseUrl }, { extraSeeds: [] });

  const cases: [string, (seed: ReturnType<typeof base>) => unknown, RegExp][] = [
    ['an access token listed for two chains', (seed) => ({ ...seed, AccessTokens: [...seed.AccessTokens, { AccessToken: accessToken, ClientToken: clientToken, EnterpriseIds: [otherEnterpriseId] }] }),
      /AccessTokens\[0\] and AccessTokens\[1\] have the same AccessToken/],
    ['an access token repeated disabled', (seed) => ({ ...seed, AccessTokens: [...seed.AccessTokens, { ...seed.AccessTokens[0], IsEnabled: false }] }),
      /AccessTokens\[0\] and AccessTokens\[1\]/],
    ['a client token listed twice', (seed) => ({ ...seed, Clients: [...seed.Clients, { Name: 'Other', ClientToken: clientToken, IsEnabled: false }] }),
      /Clients\[0\] and Clients\[1\] have the same ClientToken/],
    ['an enterprise repeated under another chain', (seed) => ({ ...seed, Enterprises: [...seed.Enterprises, { Id: enterpriseId.toUpperCase(), ChainId: otherChainId, Name: 'Moved' }] }),
      /Enterprises\[0\] and Enterprises\[2\] have the same Id/],
    ['a chain listed twice', (seed) => ({ ...seed, Chains: [...seed.Chains, { Id: chainId, Name: 'Renamed' }] }),
      /Chains\[0\] and Chains\[2\] have the same Id/],
  ];

  it.each(cases)('refuses %s, naming both entries, and applies nothing', async (_label, change, message) => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const file = await writeSeed(change(base()));
    const failure = await start(file, databaseUrl).then(() => undefined, (error: Error) => error);
    expect(failure?.message).toMatch(message);
    expect(failure?.message).not.toContain(accessToken);
    expect(failure?.message).not.toContain(clientToken);
    // Nothing of the file is in the database.
    const after = await startTestApp(dialect, { DATABASE_URL: databaseUrl }, { extraSeeds: [] });
    try {
      expect(await after.store.db.selectFrom('chains').select('id').where('id', 'in', [chainId, otherChainId]).execute()).toEqual([]);
      expect((await after.call('configuration/get', tokens)).status).toBe(401);
    } finally {
      await after.close();
    }
  });

  it('refuses a file that moves a known enterprise to another chain; its token keeps reading its chain', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const first = await start(await writeSeed(base()), databaseUrl);
    expect((await first.call('configuration/get', tokens)).body.Enterprise.ChainId).toBe(chainId);
    await first.close();
    const moved = base();
    moved.Enterprises[0]!.ChainId = otherChainId;
    const failure = await start(await writeSeed(moved), databaseUrl).then(() => undefined, (error: Error) => error);
    expect(failure?.message).toMatch(new RegExp(`Enterprises\\[0\\] is in chain ${chainId} in the database and cannot move to chain ${otherChainId}`));
    const again = await start(await writeSeed(base()), databaseUrl);
    try {
      expect((await again.call('configuration/get', tokens)).body.Enterprise.ChainId).toBe(chainId);
    } finally {
      await again.close();
    }
  });
});
