// The membership queries name their SQLite indexes (INDEXED BY): a renamed or dropped index would turn
// every such query into a 500, so each named index must exist after the migrations.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { membershipIndexes } from '../../src/store/loyalty-memberships.ts';
import { dialects, startTestApp } from '../helpers/app.ts';

describe('the indexes the membership queries name', () => {
  it('all exist after the migrations', async () => {
    const t = await startTestApp(dialects.find((d) => d.name === 'sqlite')!);
    try {
      const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'loyalty_memberships'`.execute(t.store.db);
      const existing = rows.map((row) => row.name);
      for (const name of Object.values(membershipIndexes)) expect(existing, name).toContain(name);
    } finally {
      await t.close();
    }
  });
});
