// PostgreSQL statements prepared by name (src/store/postgres.ts): a statement prepared before another
// instance's migration changed its table is parsed again instead of failing, and lists of many values
// are not prepared at all.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Store } from '../../src/store/connect.ts';
import { dialects } from '../helpers/app.ts';

describe.each(dialects.filter((dialect) => dialect.name === 'postgres'))('statements by name ($name)', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    // One connection, so every statement below runs where the previous ones were prepared.
    store = await connect(await dialect.databaseUrl(), { poolSize: 1, statisticsEveryMs: 0 });
    await sql`create table shapes (id integer primary key, name text)`.execute(store.db);
    await sql`insert into shapes values (1, 'one'), (2, 'two')`.execute(store.db);
  });
  afterAll(async () => { await store?.close(); });

  const prepared = async () => {
    const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements where name like 'lc_%'`.execute(store.db);
    return rows.map((row) => row.name);
  };

  it('prepares a statement with parameters once, and parses it again after its table changed shape', async () => {
    const select = (id: number) => sql<Record<string, unknown>>`select * from shapes where id = ${id}`.execute(store.db);
    expect((await select(1)).rows).toEqual([{ id: 1, name: 'one' }]);
    const named = await prepared();
    expect(named.length).toBeGreaterThan(0);
    expect((await select(2)).rows).toEqual([{ id: 2, name: 'two' }]);
    expect(await prepared()).toEqual(named);
    // What another instance's migration does under a running server.
    await sql`alter table shapes add column size integer`.execute(store.db);
    expect((await select(1)).rows).toEqual([{ id: 1, name: 'one', size: null }]);
    expect((await select(2)).rows).toEqual([{ id: 2, name: 'two', size: null }]);
  });

  it('leaves a statement with many parameters unprepared', async () => {
    const before = await prepared();
    const ids = Array.from({ length: 40 }, (_, i) => i);
    const { rows } = await sql`select id from shapes where id in (${sql.join(ids)}) order by id`.execute(store.db);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await prepared()).toEqual(before);
  });
});
