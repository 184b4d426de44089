// SQLite files: WAL checkpoints run in a worker thread, not inside the commit of a request. Without
// the worker, the request connection would only checkpoint past its backstop of 25,000 WAL pages, so
// the database file would not grow after a write of a few hundred pages.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { expectJsonAnswer } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';

const sqlite = dialects.find((dialect) => dialect.name === 'sqlite')!;

describe('SQLite WAL checkpoints', () => {
  it('copies committed pages into the database file soon after a write, with no request asking', async () => {
    const file = await sqlite.persistentDatabaseUrl();
    const t = await startTestApp(sqlite, { DATABASE_URL: file });
    try {
      // Let the checkpoints of the migrations and seeds finish.
      await sleep(600);
      const before = statSync(file).size;
      for (let round = 0; round < 5; round++) {
        const answer = await t.call('loyaltyPrograms/add', {
          ...gross,
          LoyaltyPrograms: Array.from({ length: 200 }, (_, i) => ({ Name: `Club ${'x'.repeat(80)} ${round}-${i}`, Code: `C-${round}-${i}` })),
        });
        expectJsonAnswer(answer, 200);
      }
      const deadline = Date.now() + 5000;
      while (statSync(file).size <= before && Date.now() < deadline) await sleep(50);
      expect(statSync(file).size).toBeGreaterThan(before);
      // The writes are all there, read through the app.
      const listed = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1000 } });
      expectJsonAnswer(listed, 200);
      expect(listed.body.LoyaltyPrograms.filter((p: { Code: string }) => p.Code.startsWith('C-')).length).toBe(1000);
    } finally {
      await t.close();
    }
  });
});
