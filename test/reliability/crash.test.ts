// docs/behaviour.md Batches and §6: a kill -9 in the middle of a batch loses nothing that was acknowledged
// and keeps nothing that was not. The real server runs as a child process (bin/loyalty-connector.js
// serve) on a database that outlives it; senders keep it busy with 1000-program batches, each batch
// with its own Name and Codes; the process is killed with SIGKILL at a random moment, restarted on the
// same database, and then every batch must be all there (and exactly as acknowledged) or not there at
// all, and every acknowledged batch must be there.
//
//   CRASH_TRIALS=40 npx vitest run test/reliability/crash.test.ts   (a longer run)
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/store/connect.ts';
import { dialects } from '../helpers/app.ts';
import { gross } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';
import { kill, startServer, type ServerProcess as Server } from '../helpers/server-process.ts';

const trials = Math.max(1, Number(process.env.CRASH_TRIALS ?? 8));
const batchSize = 1000;
const senders = 3;

interface Batch {
  readonly key: string;
  /** The program ids of the 200 answer, when there was one. */
  acknowledged?: string[];
  /** An answer other than 200 (a failure of the test). */
  refused?: string;
}

// The dialects run side by side: most of the time goes to starting the child process.
describe.concurrent('crash safety', () => describe.each(dialects)('a kill -9 in the middle of batches ($name)', (dialect) => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await kill(server);
  });

  it(`keeps every acknowledged batch and no part of an unacknowledged one, over ${trials} kills`, async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const run = Date.now().toString(36);
    const batches: Batch[] = [];
    const figures = { acknowledged: 0, inFlightAtKill: 0, inFlightKept: 0, inFlightLost: 0 };

    /** Every batch is 0 or 1000 programs; acknowledged ones are 1000 with the acknowledged ids. */
    async function verify(server: Server, checkedSince: number): Promise<void> {
      const store = await connect(databaseUrl);
      let counts: Map<string, number>;
      try {
        const rows = await store.db.selectFrom('loyalty_programs')
          .select(['name', (eb) => eb.fn.countAll<number>().as('programs'), (eb) => eb.fn.count<number>('code').distinct().as('codes')])
          .where('name', 'like', `crash ${run} %`)
          .groupBy('name')
          .execute();
        for (const row of rows) expect(Number(row.codes), `batch ${row.name}: distinct codes`).toBe(Number(row.programs));
        counts = new Map(rows.map((row) => [row.name, Number(row.programs)]));
      } finally {
        await store.close();
      }
      for (const batch of batches) {
        const stored = counts.get(`crash ${run} ${batch.key}`) ?? 0;
        expect([0, batchSize], `batch ${batch.key} is half-written: ${stored} of ${batchSize} programs`).toContain(stored);
        if (batch.acknowledged) expect(stored, `acknowledged batch ${batch.key} lost programs`).toBe(batchSize);
      }
      // Through the API of the restarted server: the acknowledged programs, exactly as answered.
      for (const batch of batches.slice(checkedSince)) {
        if (!batch.acknowledged) continue;
        const response = await fetch(`${server.base}/api/connector/v1/loyaltyPrograms/getAll`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...gross, LoyaltyProgramIds: batch.acknowledged, Limitation: { Count: batchSize } }),
        });
        expect(response.status).toBe(200);
        const listed = ((await response.json()) as { LoyaltyPrograms: { Id: string; Name: string; Code: string }[] }).LoyaltyPrograms;
        expect(listed.map((p) => p.Id).sort()).toEqual([...batch.acknowledged].sort());
        expect(new Set(listed.map((p) => p.Name))).toEqual(new Set([`crash ${run} ${batch.key}`]));
      }
    }

    let server = await startServer(databaseUrl);
    servers.push(server);
    let checkedSince = 0;
    for (let trial = 0; trial < trials; trial++) {
      const current = server;
      let stop = false;
      let serial = 0;
      const inFlight = new Set<Batch>();
      const send = async () => {
        while (!stop) {
          const batch: Batch = { key: `t${trial}b${serial++}` };
          batches.push(batch);
          inFlight.add(batch);
          const programs = Array.from({ length: batchSize }, (_, i) => ({ Name: `crash ${run} ${batch.key}`, Code: `${run}-${batch.key}-${i}` }));
          try {
            const response = await fetch(`${current.base}/api/connector/v1/loyaltyPrograms/add`, {
              method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...gross, LoyaltyPrograms: programs }),
            });
            const text = await response.text();
            if (response.status === 200) {
              batch.acknowledged = (JSON.parse(text) as { LoyaltyPrograms: { Id: string }[] }).LoyaltyPrograms.map((p) => p.Id);
              figures.acknowledged++;
            } else {
              batch.refused = `${response.status} ${text.slice(0, 300)}`;
            }
            inFlight.delete(batch);
          } catch {
            // The connection died with the server: the batch was not acknowledged.
            return;
          }
        }
      };
      const sending = Array.from({ length: senders }, () => send());
      // A random moment: before, during or after the first batches.
      await sleep(50 + Math.random() * 1200);
      await kill(current);
      stop = true;
      await Promise.all(sending);
      // Sent (or being sent) and never answered.
      const unanswered = [...inFlight];
      figures.inFlightAtKill += unanswered.length;

      server = await startServer(databaseUrl);
      servers.push(server);
      expect(batches.filter((b) => b.refused).map((b) => `${b.key}: ${b.refused}`)).toEqual([]);
      await verify(server, checkedSince);
      checkedSince = batches.length;
      const store = await connect(databaseUrl);
      try {
        for (const batch of unanswered) {
          const kept = await store.db.selectFrom('loyalty_programs').select('id').where('name', '=', `crash ${run} ${batch.key}`).limit(1).execute();
          if (kept.length) figures.inFlightKept++;
          else figures.inFlightLost++;
        }
      } finally {
        await store.close();
      }
    }
    await kill(server);
    // And once more from cold: everything acknowledged over all the kills is still there.
    server = await startServer(databaseUrl);
    servers.push(server);
    await verify(server, 0);
    await kill(server);

    process.stdout.write(
      `crash (${dialect.name}): ${trials} kills, ${batches.length} batches of ${batchSize} sent, ${figures.acknowledged} acknowledged (all kept), `
      + `${figures.inFlightAtKill} in flight at a kill (${figures.inFlightKept} committed whole, ${figures.inFlightLost} absent, none partial)\n`,
    );
    expect(figures.acknowledged).toBeGreaterThan(0);
    expect(figures.inFlightAtKill).toBeGreaterThan(0);
  }, 60_000 + trials * 15_000);
}));
