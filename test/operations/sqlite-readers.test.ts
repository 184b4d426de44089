// SQLite reader threads: read-only requests run their statements on connections of their own. What a
// client must not notice: a read that misses a write it was told had succeeded, an answer kept by the
// answer cache from before a write, or a failure that reads differently than on the request thread.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSqliteReaders, loadSettings, SettingsError } from '../../src/settings.ts';
import { connect, migrate } from '../../src/store/connect.ts';
import { SqliteReaders } from '../../src/store/sqlite-readers.ts';
import { sqliteReaderThreads, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectJsonAnswer } from '../helpers/expect.ts';
import { recordsOf } from '../helpers/records.ts';
import { gross } from '../helpers/tenancy.ts';

describe('SQLite reader threads, through HTTP', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(sqliteReaderThreads); });
  afterAll(async () => { await t?.close(); });

  let serial = 0;
  const unique = (prefix: string) => `${prefix}-readers-${++serial}`;
  const { newProgram, newCustomer } = recordsOf(() => t, { unique, programName: 'Reader club', customerPrefix: 'Reader' });
  /** A fresh customer's membership in a fresh program, with these points. */
  const newMembership = async (points: number) => {
    const [programId, customer] = [await newProgram(), await newCustomer()];
    const added = await t.call('loyaltyMemberships/add', { ...gross, LoyaltyMemberships: [{ AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false, Points: points }] });
    expectJsonAnswer(added, 200);
    return { customer, id: added.body.LoyaltyMemberships[0].Id as string };
  };

  it('reads come from the reader threads, not the request connection', () => {
    expect(t.settings.sqliteReaders).toBe(2);
    expect(t.store.readDb).not.toBe(t.store.db);
  });

  it('a read right after a write sees it, every time', async () => {
    const { id } = await newMembership(0);
    const read = { ...gross, LoyaltyMembershipIds: [id], Limitation: { Count: 1 } };
    for (let points = 1; points <= 25; points++) {
      expectJsonAnswer(await t.call('loyaltyMemberships/update', { ...gross, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: id, Points: { Value: points } }] }), 200);
      // Twice: the second asking is the one the answer cache keeps.
      for (let asking = 0; asking < 2; asking++) {
        const answer = await t.call('loyaltyMemberships/getAll', read);
        expectJsonAnswer(answer, 200);
        expect(answer.body.LoyaltyMemberships.map((m: { Points: number }) => m.Points)).toEqual([points]);
      }
    }
  });

  it('a page read on a reader goes out as bytes, and a repeated one is answered from the cache with the same bytes', async () => {
    const { customer } = await newMembership(7);
    const read = { ...gross, AccountIds: [customer], Limitation: { Count: 10 } };
    const first = await t.post('/api/connector/v1/loyaltyMemberships/getAll', read);
    await t.post('/api/connector/v1/loyaltyMemberships/getAll', read);
    const { hits } = t.app.answerCache.statistics();
    const third = await t.post('/api/connector/v1/loyaltyMemberships/getAll', read);
    expect(t.app.answerCache.statistics().hits).toBe(hits + 1);
    expect(third.statusCode).toBe(200);
    expect(third.headers['content-type']).toBe(first.headers['content-type']);
    expect(third.headers['content-length']).toBe(first.headers['content-length']);
    expect(third.body).toBe(first.body);
    expect(JSON.parse(third.body).LoyaltyMemberships.map((m: { Points: number }) => m.Points)).toEqual([7]);
  });

  it('an answer read while a write transaction is open is not kept past its commit', async () => {
    const { customer, id } = await newMembership(1);
    const read = { ...gross, AccountIds: [customer], Limitation: { Count: 10 } };
    const points = async () => {
      const answer = await t.call('loyaltyMemberships/getAll', read);
      expectJsonAnswer(answer, 200);
      return answer.body.LoyaltyMemberships[0].Points as number;
    };
    // The request connection holds a transaction that has written, not yet committed: the readers
    // answer the state before it, asked twice (the asking at which an answer is kept).
    await t.store.db.transaction().execute(async (trx) => {
      await sql`update loyalty_memberships set points = 2 where id = ${id}`.execute(trx);
      expect(await points()).toBe(1);
      expect(await points()).toBe(1);
    });
    expect(await points()).toBe(2);
    expect(await points()).toBe(2);
  });

  it('reads racing writes: once the writes are answered, every read shows the last one', async () => {
    const { customer, id } = await newMembership(0);
    const read = { ...gross, AccountIds: [customer], Limitation: { Count: 10 } };
    for (let points = 1; points <= 15; points++) {
      // Reads in flight before, beside and after the write's transaction; an answer kept under a
      // mark taken while the transaction was open would outlive its commit.
      const update = t.call('loyaltyMemberships/update', { ...gross, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: id, Points: { Value: points } }] });
      const reads = Array.from({ length: 6 }, () => t.call('loyaltyMemberships/getAll', read));
      expectJsonAnswer(await update, 200);
      for (const answer of await Promise.all(reads)) {
        expectJsonAnswer(answer, 200);
        expect([points - 1, points]).toContain(answer.body.LoyaltyMemberships[0].Points);
      }
      for (let asking = 0; asking < 3; asking++) {
        expect((await t.call('loyaltyMemberships/getAll', read)).body.LoyaltyMemberships[0].Points).toBe(points);
      }
    }
  });
});

describe('SQLite reader threads, the store', () => {
  let file: string;
  beforeAll(async () => {
    file = join(await mkdtemp(join(tmpdir(), 'loyalty-connector-readers-')), 'loyalty.db');
    const store = await connect(file);
    await migrate(store);
    await store.close();
  });

  it('a failing statement rejects with the driver code it had in the reader', async () => {
    const store = await connect(file, { readers: 1 });
    try {
      const failure = store.readDb.executeQuery(CompiledQuery.raw('select * from no_such_table'));
      await expect(failure).rejects.toThrow(/no such table: no_such_table/);
      await expect(failure).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
      // A reader never writes, whatever it is asked.
      await expect(store.readDb.executeQuery(CompiledQuery.raw("insert into chains (id, name) values ('x', 'y')"))).rejects.toThrow(/reader/);
      // And it still answers afterwards.
      expect((await store.readDb.executeQuery(CompiledQuery.raw('select 1 as one'))).rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('with no reader left, reads go back to the request connection', async () => {
    const fallback = await connect(file);
    // A reader that cannot open its file stops at once.
    const readers = new SqliteReaders(join(file, '..', 'missing.db'), { readers: 1, cacheKib: 1024, statementCacheSize: 10 }, fallback.db);
    try {
      await expect.poll(() => readers.running, { timeout: 10_000 }).toBe(0);
      expect(await readers.all(CompiledQuery.raw('select count(*) as n from sqlite_master where type = ?', ['table']))).toEqual([{ n: expect.any(Number) }]);
    } finally {
      await readers.close();
      await fallback.close();
    }
  });

  it('an in-memory database has no readers: its reads stay on its one connection', async () => {
    const store = await connect(':memory:', { readers: 2 });
    try {
      expect(store.readDb).toBe(store.db);
    } finally {
      await store.close();
    }
  });
});

describe('SQLITE_READERS', () => {
  it('takes a count or 0, defaults to the cores but one (at most 4, none on 2 cores or fewer), and names itself when wrong', () => {
    expect(loadSettings({}).sqliteReaders).toBe(defaultSqliteReaders());
    expect([1, 2].map((cores) => defaultSqliteReaders(cores))).toEqual([0, 0]);
    expect([3, 4, 5, 8, 64].map((cores) => defaultSqliteReaders(cores))).toEqual([2, 3, 4, 4, 4]);
    expect(loadSettings({ SQLITE_READERS: '0' }).sqliteReaders).toBe(0);
    expect(loadSettings({ SQLITE_READERS: '3' }).sqliteReaders).toBe(3);
    for (const wrong of ['many', '-1', '1.5', '65']) {
      expect(() => loadSettings({ SQLITE_READERS: wrong })).toThrow(SettingsError);
      expect(() => loadSettings({ SQLITE_READERS: wrong })).toThrow(/SQLITE_READERS/);
    }
  });
});
