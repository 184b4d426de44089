// The answer cache: repeatable reads (getAll) answered again from memory until anything is written.
// What a client must never see: an answer older than a write it was told had succeeded, another
// caller's answer, or a different answer than the database would give. A second identical request is
// answered from memory on both databases: on PostgreSQL under the change marks of the caller's chains,
// which every writer moves, another instance or a plain SQL session included.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/http/answer-cache.ts';
import { loadSettings, SettingsError } from '../../src/settings.ts';
import { dialects, sqliteReaderThreads, startTestApp, type TestApp } from '../helpers/app.ts';
import { steppingClock } from '../helpers/clock.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { recordsOf } from '../helpers/records.ts';
import { gross, grossChainId, net, netChainId, portfolio, third, thirdChainId } from '../helpers/tenancy.ts';

describe.each([...dialects, sqliteReaderThreads])('answer cache ($name)', (dialect) => {
  let t: TestApp;
  const clock = steppingClock();
  beforeAll(async () => { t = await startTestApp(dialect, {}, { clock: clock.now }); });
  afterAll(async () => { await t?.close(); });

  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${dialect.name}-${++serial}`;
  const statistics = () => t.app.answerCache.statistics();
  const raw = (operation: string, body: unknown, headers?: Record<string, string>) => t.post(`/api/connector/v1/${operation}`, body, headers);

  const { newProgram, newCustomer } = recordsOf(() => t, { unique, programName: 'Cached club', customerPrefix: 'Cached' });

  it('answers a repeated getAll with the same bytes, from memory', async () => {
    const programId = await newProgram();
    const body = { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 10 } };
    const first = await raw('loyaltyPrograms/getAll', body);
    // An answer is kept at its second asking: the first time, nothing is kept.
    const entriesAfterFirst = statistics().entries;
    await raw('loyaltyPrograms/getAll', body);
    expect(statistics().entries).toBe(entriesAfterFirst + 1);
    const before = statistics();
    const second = await raw('loyaltyPrograms/getAll', body);
    expect(second.statusCode).toBe(200);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.body).toBe(first.body);
    expect(JSON.parse(second.body).LoyaltyPrograms.map((p: { Id: string }) => p.Id)).toEqual([programId]);
    // Each answer has its own Request-Id, cached or not.
    expect(second.headers['request-id']).not.toBe(first.headers['request-id']);
    expect(statistics().hits).toBe(before.hits + 1);
  });

  it('shows every write at once: membership add, update and delete, then program and customer changes', async () => {
    const programId = await newProgram();
    const customer = await newCustomer();
    const list = { ...gross, AccountIds: [customer], Limitation: { Count: 10 } };
    const memberships = async () => {
      const answer = await t.call('loyaltyMemberships/getAll', list);
      expectJsonAnswer(answer, 200);
      return answer.body.LoyaltyMemberships as { Id: string; Points: number | null }[];
    };
    expect(await memberships()).toEqual([]);
    expect(await memberships()).toEqual([]);

    const added = await t.call('loyaltyMemberships/add', { ...gross, LoyaltyMemberships: [{ AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false, Points: 1 }] });
    expectJsonAnswer(added, 200);
    const id = added.body.LoyaltyMemberships[0].Id as string;
    expect((await memberships()).map((m) => [m.Id, m.Points])).toEqual([[id, 1]]);

    const updated = await t.call('loyaltyMemberships/update', { ...gross, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: id, Points: { Value: 2 } }] });
    expectJsonAnswer(updated, 200);
    expect((await memberships()).map((m) => [m.Id, m.Points])).toEqual([[id, 2]]);
    expect((await memberships()).map((m) => [m.Id, m.Points])).toEqual([[id, 2]]);

    const deleted = await t.call('loyaltyMemberships/delete', { ...gross, LoyaltyMembershipIds: [id] });
    expectJsonAnswer(deleted, 200);
    expect(await memberships()).toEqual([]);

    const programs = { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 10 } };
    expect((await t.call('loyaltyPrograms/getAll', programs)).body.LoyaltyPrograms[0].Name).toBe('Cached club');
    expectJsonAnswer(await t.call('loyaltyPrograms/update', { ...gross, LoyaltyProgramUpdates: [{ LoyaltyProgramId: programId, Name: { Value: 'Renamed club' } }] }), 200);
    expect((await t.call('loyaltyPrograms/getAll', programs)).body.LoyaltyPrograms[0].Name).toBe('Renamed club');

    const lastName = unique('Family');
    const addCustomer = async () => expectJsonAnswer(await t.call('customers/add', { ...gross, LastName: lastName, OverwriteExisting: false }), 200);
    const customers = { ...gross, LastNames: [lastName], Extent: { Customers: true }, Limitation: { Count: 10 } };
    await addCustomer();
    expect((await t.call('customers/getAll', customers)).body.Customers).toHaveLength(1);
    expect((await t.call('customers/getAll', customers)).body.Customers).toHaveLength(1);
    await addCustomer();
    const after = await t.call('customers/getAll', customers);
    expectJsonAnswer(after, 200);
    expect(after.body.Customers).toHaveLength(2);
  });

  it('keeps callers apart: the same request from another enterprise or a portfolio answers its own chains', async () => {
    const grossProgram = await newProgram(gross);
    const netProgram = await newProgram(net);
    const thirdProgram = await newProgram(third);
    const body = { LoyaltyProgramIds: [grossProgram, netProgram, thirdProgram], Limitation: { Count: 10 } };
    const chainsOf = async (tokens: typeof gross) => {
      const answer = await t.call('loyaltyPrograms/getAll', { ...tokens, ...body });
      expectJsonAnswer(answer, 200);
      return (answer.body.LoyaltyPrograms as { ChainId: string }[]).map((p) => p.ChainId).sort();
    };
    for (let round = 0; round < 2; round++) {
      expect(await chainsOf(gross)).toEqual([grossChainId]);
      expect(await chainsOf(net)).toEqual([netChainId]);
      expect(await chainsOf(third)).toEqual([thirdChainId]);
      // The portfolio covers the gross and third chains.
      expect(await chainsOf(portfolio)).toEqual([grossChainId, thirdChainId].sort());
    }
  });

  it('keys on what the operation reads: property order and unknown properties do not matter', async () => {
    const programId = await newProgram();
    const first = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 5 }, Unknown: 1 });
    expectJsonAnswer(first, 200);
    await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 5 } });
    const before = statistics();
    const second = await t.call('loyaltyPrograms/getAll', { Unknown: [2, { deep: true }], Limitation: { Count: 5 }, LoyaltyProgramIds: [programId], ...gross });
    expect(second.body).toEqual(first.body);
    expect(statistics().hits).toBe(before.hits + 1);
    // A different Count is a different answer.
    const third = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 6 } });
    expect(statistics().hits).toBe(before.hits + 1);
    expect(third.body.LoyaltyPrograms).toEqual(first.body.LoyaltyPrograms);
  });

  it('answers an unknown property nested 100,000 deep inside a known one with a 200, and keeps nothing for it', async () => {
    let deep = '0';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const body = `{"ClientToken":"${gross.ClientToken}","AccessToken":"${gross.AccessToken}","Client":"tests","Limitation":{"Count":1,"Junk":${deep}}}`;
    const before = statistics();
    for (let round = 0; round < 2; round++) {
      const answer = await raw('loyaltyPrograms/getAll', body);
      expect(answer.statusCode).toBeLessThan(500);
    }
    expect(statistics().hits).toBe(before.hits);
  });

  it('still answers 204 to Prefer: return=minimal for an empty page another request had cached as a 200', async () => {
    const body = { ...gross, LoyaltyProgramIds: ['6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4'], Limitation: { Count: 10 } };
    const full = await t.call('loyaltyPrograms/getAll', body);
    expectJsonAnswer(full, 200);
    expect(full.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
    expectJsonAnswer(await t.call('loyaltyPrograms/getAll', body), 200);
    const minimal = await raw('loyaltyPrograms/getAll', body, { prefer: 'return=minimal' });
    expect(minimal.statusCode).toBe(204);
    expect(minimal.body).toBe('');
    expect(minimal.headers['preference-applied']).toBe('return=minimal');
  });

  it('never keeps an error: an unknown cursor is a 400 every time, and so is a bad token', async () => {
    const body = { ...gross, Limitation: { Count: 5, Cursor: '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4' } };
    for (let round = 0; round < 2; round++) expectError(await t.call('loyaltyPrograms/getAll', body), 400, 'Cursor');
    const badToken = { ...gross, AccessToken: 'NOT-A-TOKEN', Limitation: { Count: 5 } };
    expectJsonAnswer(await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 5 } }), 200);
    for (let round = 0; round < 2; round++) expectError(await t.call('loyaltyPrograms/getAll', badToken), 401);
  });

  it('answers configuration/get afresh each time (it tells the time)', async () => {
    const before = statistics();
    const first = await t.call('configuration/get', gross);
    clock.advance(1100);
    const second = await t.call('configuration/get', gross);
    expectJsonAnswer(second, 200);
    expect(second.body.NowUtc).not.toBe(first.body.NowUtc);
    expect(statistics().entries).toBe(before.entries);
    expect(statistics().hits).toBe(before.hits);
  });
});

describe('answer cache on a SQLite file written by another process', () => {
  it('sees a write committed by another connection at the next request', async () => {
    const sqlite = dialects.find((dialect) => dialect.name === 'sqlite')!;
    const file = await sqlite.persistentDatabaseUrl();
    const t = await startTestApp(sqlite, { DATABASE_URL: file });
    const other = new Database(file);
    try {
      const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Before', Code: 'OTHER-1' }] });
      expectJsonAnswer(added, 200);
      const id = added.body.LoyaltyPrograms[0].Id as string;
      const body = { ...gross, LoyaltyProgramIds: [id], Limitation: { Count: 10 } };
      for (let round = 0; round < 3; round++) expect((await t.call('loyaltyPrograms/getAll', body)).body.LoyaltyPrograms[0].Name).toBe('Before');
      expect(t.app.answerCache.statistics().hits).toBeGreaterThan(0);
      other.prepare('update loyalty_programs set name = ? where id = ?').run('After', id);
      expect((await t.call('loyaltyPrograms/getAll', body)).body.LoyaltyPrograms[0].Name).toBe('After');
    } finally {
      other.close();
      await t.close();
    }
  });
});

describe.each(dialects.filter((dialect) => dialect.name === 'postgres'))('answer cache on PostgreSQL shared by instances ($name)', (postgres) => {
  it('answers from memory, and shows at once what another instance or a plain SQL session committed', async () => {
    const databaseUrl = await postgres.persistentDatabaseUrl();
    const schema = new URL(databaseUrl).searchParams.get('schema')!;
    const one = await startTestApp(postgres, { DATABASE_URL: databaseUrl });
    const two = await startTestApp(postgres, { DATABASE_URL: databaseUrl });
    const psql = new pg.Client({ connectionString: postgresUrlWithoutSchema(databaseUrl) });
    await psql.connect();
    try {
      const added = await one.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Shared', Code: 'SHARED-1' }] });
      expectJsonAnswer(added, 200);
      const id = added.body.LoyaltyPrograms[0].Id as string;
      const body = { ...gross, LoyaltyProgramIds: [id], Limitation: { Count: 10 } };
      const nameOn = async (t: TestApp) => {
        const answer = await t.call('loyaltyPrograms/getAll', body);
        expectJsonAnswer(answer, 200);
        return answer.body.LoyaltyPrograms[0].Name as string;
      };
      for (let round = 0; round < 3; round++) expect(await nameOn(one)).toBe('Shared');
      const hits = one.app.answerCache.statistics().hits;
      expect(await nameOn(one)).toBe('Shared');
      expect(one.app.answerCache.statistics().hits).toBe(hits + 1);

      // A write to another chain leaves the answer where it is.
      expectJsonAnswer(await two.call('loyaltyPrograms/add', { ...net, LoyaltyPrograms: [{ Name: 'Elsewhere', Code: 'SHARED-2' }] }), 200);
      expect(await nameOn(one)).toBe('Shared');
      expect(one.app.answerCache.statistics().hits).toBe(hits + 2);

      // Another instance writes this chain: the next request through the first one sees it (and, asked
      // for often before, keeps it at once).
      expectJsonAnswer(await two.call('loyaltyPrograms/update', { ...gross, LoyaltyProgramUpdates: [{ LoyaltyProgramId: id, Name: { Value: 'Renamed by two' } }] }), 200);
      expect(await nameOn(one)).toBe('Renamed by two');
      for (let round = 0; round < 2; round++) expect(await nameOn(one)).toBe('Renamed by two');
      expect(one.app.answerCache.statistics().hits).toBe(hits + 4);

      // An operator at psql, with no search_path of ours: the same.
      await psql.query(`update "${schema}".loyalty_programs set name = $1 where id = $2`, ['Renamed at psql', id]);
      expect(await nameOn(one)).toBe('Renamed at psql');
      await psql.query(`delete from "${schema}".loyalty_tiers where loyalty_program_id = $1`, [id]);
      await psql.query(`delete from "${schema}".loyalty_programs where id = $1`, [id]);
      const gone = await one.call('loyaltyPrograms/getAll', body);
      expectJsonAnswer(gone, 200);
      expect(gone.body.LoyaltyPrograms).toEqual([]);
      // A write rolled back moves nothing anyone reads.
      await psql.query('begin');
      await psql.query(`update "${schema}".loyalty_programs set name = name where chain_id = $1`, [grossChainId]);
      await psql.query('rollback');
      const before = one.app.answerCache.statistics().hits;
      expectJsonAnswer(await one.call('loyaltyPrograms/getAll', body), 200);
      expectJsonAnswer(await one.call('loyaltyPrograms/getAll', body), 200);
      expect(one.app.answerCache.statistics().hits).toBe(before + 2);

      // TRUNCATE names no rows, and still moves the marks.
      const everything = { ...gross, Limitation: { Count: 10 } };
      expectJsonAnswer(await one.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Kept', Code: 'SHARED-3' }] }), 200);
      for (let round = 0; round < 3; round++) expect((await one.call('loyaltyPrograms/getAll', everything)).body.LoyaltyPrograms).toHaveLength(1);
      const hitsBeforeTruncate = one.app.answerCache.statistics().hits;
      expect((await one.call('loyaltyPrograms/getAll', everything)).body.LoyaltyPrograms).toHaveLength(1);
      expect(one.app.answerCache.statistics().hits).toBe(hitsBeforeTruncate + 1);
      await psql.query(`truncate "${schema}".loyalty_memberships, "${schema}".loyalty_tiers, "${schema}".loyalty_programs`);
      const truncated = await one.call('loyaltyPrograms/getAll', everything);
      expectJsonAnswer(truncated, 200);
      expect(truncated.body.LoyaltyPrograms).toEqual([]);
    } finally {
      await psql.end();
      await two.close();
      await one.close();
    }
  });
});

describe('answer cache with the chains\' marks (PostgreSQL), without a database', () => {
  const chainMarks = (marks: string) => ({ chains: 'chain-a', marks });
  const keep = (cache: AnswerCache, key: string, marks: string, answer: string) => {
    const found = cache.lookup(() => key, chainMarks(marks));
    if (!('pending' in found) || !found.pending) throw new Error(`expected a miss to keep for ${key}`);
    cache.keep(found.pending, answer);
  };

  it('gives an answer only to a request that read the same marks, and keeps nothing without marks', () => {
    const cache = new AnswerCache(1024 * 1024, { kind: 'chains' });
    expect(cache.lookup(() => 'key')).toEqual({ pending: undefined });
    expect(cache.lookup(() => 'key', chainMarks('a=1'))).toEqual({ pending: undefined });
    keep(cache, 'key', 'a=1', 'first');
    expect(cache.lookup(() => 'key', chainMarks('a=1'))).toEqual({ answer: Buffer.from('first') });
    // Written since: a miss, and the stale answer is gone; its askings still count.
    keep(cache, 'key', 'a=2', 'second');
    expect(cache.lookup(() => 'key', chainMarks('a=1'))).toMatchObject({ pending: expect.anything() });
    expect(cache.statistics().entries).toBe(0);
  });

  it('once full, lets a new answer take the place of one whose chains were written since, however often it was asked for', () => {
    const answer = 'x'.repeat(150);
    // Room for four such answers (each under a quarter of the cache).
    const cache = new AnswerCache(1200, { kind: 'chains' });
    const ask = (key: string, marks: string) => cache.lookup(() => key, chainMarks(marks));
    ask('popular', 'a=1');
    keep(cache, 'popular', 'a=1', answer);
    for (let i = 0; i < 5; i++) expect(ask('popular', 'a=1')).toHaveProperty('answer');
    for (const key of ['other-1', 'other-2', 'other-3']) {
      ask(key, 'a=1');
      keep(cache, key, 'a=1', answer);
    }
    expect(cache.statistics().entries).toBe(4);
    // Full: a newcomer asked twice does not take the place of 'popular' (asked 7 times) while it is current.
    ask('newcomer', 'a=1');
    keep(cache, 'newcomer', 'a=1', answer);
    expect(ask('newcomer', 'a=1')).not.toHaveProperty('answer');
    expect(ask('popular', 'a=1')).toHaveProperty('answer');
    for (const key of ['other-1', 'other-2', 'other-3']) expect(ask(key, 'a=1')).toHaveProperty('answer');
    // Chain a written: 'popular' (now least recent) will never be given again, and a newcomer takes its place.
    ask('fresh', 'a=2');
    keep(cache, 'fresh', 'a=2', answer);
    expect(ask('fresh', 'a=2')).toEqual({ answer: Buffer.from(answer) });
    expect(cache.statistics().entries).toBe(4);
    expect(cache.statistics().bytes).toBeLessThanOrEqual(1200);
  });
});

describe('answer cache settings and bounds', () => {
  it('ANSWER_CACHE takes a size or off, 16 MiB by default, and refuses anything else naming the variable', () => {
    expect(loadSettings({}).answerCacheBytes).toBe(16 * 1024 * 1024);
    expect(loadSettings({ ANSWER_CACHE: '8mb' }).answerCacheBytes).toBe(8 * 1024 * 1024);
    expect(loadSettings({ ANSWER_CACHE: 'off' }).answerCacheBytes).toBe(0);
    expect(loadSettings({ ANSWER_CACHE: '0' }).answerCacheBytes).toBe(0);
    expect(() => loadSettings({ ANSWER_CACHE: 'lots' })).toThrow(SettingsError);
    expect(() => loadSettings({ ANSWER_CACHE: 'lots' })).toThrow(/ANSWER_CACHE/);
  });

  it('with ANSWER_CACHE=off keeps nothing and answers the same', async () => {
    const sqlite = dialects.find((dialect) => dialect.name === 'sqlite')!;
    const t = await startTestApp(sqlite, { ANSWER_CACHE: 'off' });
    try {
      const body = { ...gross, Limitation: { Count: 3 } };
      const first = await t.call('loyaltyPrograms/getAll', body);
      const second = await t.call('loyaltyPrograms/getAll', body);
      expectJsonAnswer(second, 200);
      expect(second.body).toEqual(first.body);
      expect(t.app.answerCache.statistics()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0 });
    } finally {
      await t.close();
    }
  });

  it('stays within its size; once full, an answer evicts the least recently used only if asked for more often', async () => {
    const sqlite = dialects.find((dialect) => dialect.name === 'sqlite')!;
    const t = await startTestApp(sqlite, { ANSWER_CACHE: '4kb' });
    try {
      const ask = async (count: number) => expectJsonAnswer(await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: count } }), 200);
      let entriesWhenFull = 0;
      for (let count = 1; count <= 60; count++) {
        // Asked twice: an answer is kept at its second asking.
        await ask(count);
        await ask(count);
        expect(t.app.answerCache.statistics().bytes).toBeLessThanOrEqual(4 * 1024);
        if (count === 30) entriesWhenFull = t.app.answerCache.statistics().entries;
      }
      // A sweep of requests asked twice each does not churn the full cache: the same answers stay.
      expect(entriesWhenFull).toBeGreaterThan(0);
      expect(t.app.answerCache.statistics().entries).toBe(entriesWhenFull);
      const { hits } = t.app.answerCache.statistics();
      // Count 60's third asking: not kept before, so a miss; asked for more often than any kept answer
      // now, it is kept in place of the least recently used (Count 1).
      await ask(60);
      expect(t.app.answerCache.statistics().hits).toBe(hits);
      await ask(60);
      expect(t.app.answerCache.statistics().hits).toBe(hits + 1);
      await ask(1);
      expect(t.app.answerCache.statistics().hits).toBe(hits + 1);
      expect(t.app.answerCache.statistics().bytes).toBeLessThanOrEqual(4 * 1024);
    } finally {
      await t.close();
    }
  });

  it('drops an answer computed while something was written (it may predate the write)', () => {
    let mark = 'a';
    const cache = new AnswerCache(1024 * 1024, { kind: 'database', mark: () => mark });
    expect(cache.lookup(() => 'key')).toEqual({ pending: undefined });
    const lookup = cache.lookup(() => 'key');
    if (!('pending' in lookup) || !lookup.pending) throw new Error('expected a miss');
    mark = 'b';
    cache.keep(lookup.pending, 'stale answer');
    expect(cache.statistics().entries).toBe(0);
    // The write started the count afresh: asked once since, then again, and kept.
    expect(cache.lookup(() => 'key')).toEqual({ pending: undefined });
    const again = cache.lookup(() => 'key');
    if (!('pending' in again) || !again.pending) throw new Error('expected a miss to keep');
    cache.keep(again.pending, 'fresh answer');
    expect(cache.lookup(() => 'key')).toEqual({ answer: Buffer.from('fresh answer') });
  });
});

/** The test's PostgreSQL URL without the schema parameter, which only this server understands. */
function postgresUrlWithoutSchema(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.delete('schema');
  return url.toString();
}
