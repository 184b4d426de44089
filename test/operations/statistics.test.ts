// PostgreSQL statistics kept current by the server itself: a table that grew by more than a fraction
// since it was last analyzed is analyzed, whether or not the database runs autovacuum.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Store } from '../../src/store/connect.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectJsonAnswer } from '../helpers/expect.ts';
import { gross, grossChainId } from '../helpers/tenancy.ts';

const lastAnalyzed = async (store: Store, table: string) => {
  const { rows } = await sql<{ at: Date | null; changed: string }>`select last_analyze as at, n_mod_since_analyze as changed
    from pg_stat_user_tables where schemaname = current_schema() and relname = ${table}`.execute(store.db);
  return { at: rows[0]?.at ?? null, changed: Number(rows[0]?.changed ?? 0) };
};

describe.each(dialects.filter((dialect) => dialect.name === 'postgres'))('statistics ($name)', (dialect) => {
  let t: TestApp;
  let keeper: Store;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    // A second store on the same database, checking often: the app's own checks every 10 s.
    keeper = await connect(t.settings.databaseUrl, { statisticsEveryMs: 100 });
  });
  afterAll(async () => {
    await keeper?.close();
    await t?.close();
  });

  it('analyzes a table once a large batch has changed it, and leaves unchanged tables alone', async () => {
    expect((await lastAnalyzed(keeper, 'loyalty_programs')).at).toBeNull();
    const answer = await t.call('loyaltyPrograms/add', {
      ...gross, ChainId: grossChainId,
      LoyaltyPrograms: Array.from({ length: 1000 }, (_, i) => ({ Name: `Club ${i}`, Code: `S${i}` })),
    });
    expectJsonAnswer(answer, 200);
    expect(answer.body.LoyaltyPrograms).toHaveLength(1000);

    const deadline = Date.now() + 15_000;
    let programs = await lastAnalyzed(keeper, 'loyalty_programs');
    while (programs.at === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      programs = await lastAnalyzed(keeper, 'loyalty_programs');
    }
    expect(programs.at).toBeInstanceOf(Date);
    expect(programs.changed).toBeLessThan(1000);
    expect((await lastAnalyzed(keeper, 'loyalty_tiers')).at).toBeNull();
  }, 30_000);
});
