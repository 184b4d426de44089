// Several instances on one database: the §4 rules hold under concurrent conflicting requests (exactly
// one wins, the data stays consistent), and the request limit is shared. On SQLite the same races are
// fired at one instance (one process per file is the supported SQLite deployment).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dialects, startTestApp, type Dialect, type TestApp } from '../helpers/app.ts';
import { gross, grossChainId } from '../helpers/tenancy.ts';

const customerId = 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d';

async function startPair(dialect: Dialect, env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const first = await startTestApp(dialect, env);
  if (dialect.name === 'sqlite') return [first, first];
  const second = await startTestApp(dialect, { ...env, DATABASE_URL: first.settings.databaseUrl });
  return [first, second];
}

describe.each(dialects)('concurrent conflicting writes ($name)', (dialect) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => { [a, b] = await startPair(dialect); });
  afterAll(async () => {
    if (b !== a) await b.close();
    await a.close();
  });

  const race = (count: number, request: (index: number) => Promise<{ status: number; body: any }>) =>
    Promise.all(Array.from({ length: count }, (_, index) => request(index)));

  it('adds one program per Code: exactly one of ten concurrent adds wins', async () => {
    const results = await race(10, (i) => (i % 2 ? b : a).call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: `Race ${i}`, Code: 'RACE' }] }));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 403 || s === 409)).toBe(true);
    const listed = await a.call('loyaltyPrograms/getAll', { ...gross, Codes: ['RACE'], Limitation: { Count: 100 } });
    expect(listed.body.LoyaltyPrograms).toHaveLength(1);
  });

  it('enrols an account once per program: exactly one of ten concurrent adds wins', async () => {
    const program = await a.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Enrol race', Code: 'ENROL-RACE' }] });
    const programId = program.body.LoyaltyPrograms[0].Id;
    const results = await race(10, (i) => (i % 2 ? b : a).call('loyaltyMemberships/add', {
      ...gross, LoyaltyMemberships: [{ AccountId: customerId, LoyaltyProgramId: programId, IsPrimary: false, MembershipNumber: `N-${i}` }],
    }));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 403 || r.status === 409)).toBe(true);
    const listed = await b.call('loyaltyMemberships/getAll', { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 100 } });
    expect(listed.body.LoyaltyMemberships).toHaveLength(1);
  });

  it('keeps at most one primary membership per account and chain under concurrent primaries', async () => {
    const programs = await a.call('loyaltyPrograms/add', {
      ...gross, LoyaltyPrograms: Array.from({ length: 6 }, (_, i) => ({ Name: `Primary ${i}`, Code: `PRIMARY-${i}` })),
    });
    const account = await a.call('customers/add', { ...gross, LastName: 'Primary', OverwriteExisting: false });
    const results = await race(6, (i) => (i % 2 ? b : a).call('loyaltyMemberships/add', {
      ...gross, LoyaltyMemberships: [{ AccountId: account.body.Id, LoyaltyProgramId: programs.body.LoyaltyPrograms[i].Id, IsPrimary: true }],
    }));
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const listed = await a.call('loyaltyMemberships/getAll', { ...gross, AccountIds: [account.body.Id], Limitation: { Count: 100 } });
    expect(listed.body.LoyaltyMemberships.length).toBe(results.filter((r) => r.status === 200).length);
    expect(listed.body.LoyaltyMemberships.filter((m: any) => m.IsPrimary)).toHaveLength(1);
  });

  it('never leaves an active membership in a deleted program when a delete races an enrolment', async () => {
    for (let round = 0; round < 5; round++) {
      const program = await a.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Delete race', Code: `DELETE-RACE-${round}` }] });
      const programId = program.body.LoyaltyPrograms[0].Id;
      const [deleted, enrolled] = await Promise.all([
        a.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [programId] }),
        b.call('loyaltyMemberships/add', { ...gross, LoyaltyMemberships: [{ AccountId: customerId, LoyaltyProgramId: programId, IsPrimary: false }] }),
      ]);
      const programs = await a.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [programId], ActivityStates: ['Active'], Limitation: { Count: 1 } });
      const memberships = await a.call('loyaltyMemberships/getAll', { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 10 } });
      const programActive = programs.body.LoyaltyPrograms.length === 1;
      // Exactly one of the two won, and the data agrees with the winner.
      expect([deleted.status, enrolled.status].filter((s) => s === 200)).toHaveLength(1);
      if (deleted.status === 200) {
        expect(programActive).toBe(false);
        expect(memberships.body.LoyaltyMemberships).toHaveLength(0);
      } else {
        expect(programActive).toBe(true);
        expect(memberships.body.LoyaltyMemberships).toHaveLength(1);
        await a.call('loyaltyMemberships/delete', { ...gross, LoyaltyMembershipIds: [memberships.body.LoyaltyMemberships[0].Id] });
      }
    }
  });

  it('writes chain data to the chain of the token on both instances alike', async () => {
    const added = await b.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Seen by both', Code: 'BOTH' }] });
    expect(added.body.LoyaltyPrograms[0].ChainId).toBe(grossChainId);
    const listed = await a.call('loyaltyPrograms/getAll', { ...gross, Codes: ['BOTH'], Limitation: { Count: 1 } });
    expect(listed.body.LoyaltyPrograms[0].Id).toBe(added.body.LoyaltyPrograms[0].Id);
  });
});

describe.each(dialects)('the request limit across instances ($name)', (dialect) => {
  const redisUrl = inject('redisUrl');
  const backends = [
    { name: dialect.name === 'postgres' ? 'the database' : 'the process', env: {} as Record<string, string> },
    ...(redisUrl ? [{ name: 'Redis', env: { REDIS_URL: redisUrl } }] : []),
  ];

  it.each(backends)('counts requests of one token on every instance together ($name)', async ({ env }) => {
    const [a, b] = await startPair(dialect, { RATE_LIMIT: '200/30s', ...env });
    // A token of its own, so runs sharing one Redis do not count each other's requests.
    const token = { ...gross };
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i += 20) {
        const batch = await Promise.all(Array.from({ length: 20 }, (_, j) =>
          ((i + j) % 2 ? b : a).call('loyaltyPrograms/getAll', { ...token, Limitation: { Count: 1 } })));
        statuses.push(...batch.map((r) => r.status));
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      const over = await b.call('loyaltyPrograms/getAll', { ...token, Limitation: { Count: 1 } });
      expect(over.status).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(30);
      expect(over.body.RequestId).toBe(over.headers['request-id']);
      const alsoOver = await a.call('loyaltyPrograms/getAll', { ...token, Limitation: { Count: 1 } });
      expect(alsoOver.status).toBe(429);
    } finally {
      if (b !== a) await b.close();
      await a.close();
      if (env.REDIS_URL) {
        const { Redis } = await import('ioredis');
        const redis = new Redis(env.REDIS_URL);
        const { hashToken } = await import('../../src/tenancy/tokens.ts');
        await redis.del(`loyalty-connector:rate:${hashToken(token.AccessToken)}`);
        redis.disconnect();
      }
    }
  });
});
