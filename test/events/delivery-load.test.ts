// Delivery under load: two instances on one PostgreSQL database deliver each message exactly once
// across a few hundred adds (row claims that skip what the other holds), and a receiver that hangs
// does not slow the API down (median latency of customers/add beside a run without webhooks).
import { afterAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { gross } from '../helpers/tenancy.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function setEndpoint(t: TestApp, url: string | null): Promise<void> {
  const set = await t.app.inject({
    method: 'POST', url: '/_connector/webhooks/endpoints', headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ ClientToken: gross.ClientToken, GeneralWebhookUrl: url }),
  });
  expect(set.statusCode).toBe(200);
}

// PostgreSQL only: SQLite is one process per file.
describe.each(dialects.filter((dialect) => dialect.name === 'postgres'))('two instances on one PostgreSQL database', (postgres) => {
  const apps: TestApp[] = [];
  let receiver: Receiver;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.close();
  });

  it('deliver each message once over 300 adds', async () => {
    const databaseUrl = await postgres.persistentDatabaseUrl();
    const env = { DATABASE_URL: databaseUrl, CONTROL_API: 'on', WEBHOOK_BATCH_MS: '20', WEBHOOK_TIMEOUT_MS: '2000' };
    apps.push(await startTestApp(postgres, env));
    apps.push(await startTestApp(postgres, env));
    receiver = await startReceiver();
    // A slow-ish receiver, so claims overlap: each attempt takes 5-25 ms.
    receiver.behave((_request, _index, response) => void setTimeout(() => response.writeHead(200).end(), 5 + Math.random() * 20));
    await setEndpoint(apps[0]!, `${receiver.url}/shared`);
    const ids: string[] = [];
    await Promise.all([0, 1].map(async (instance) => {
      for (let i = 0; i < 150; i++) {
        const added = await apps[instance]!.call('customers/add', { ...gross, LastName: `Instance ${instance} #${i}`, OverwriteExisting: false });
        expect(added.status).toBe(200);
        ids.push(added.body.Id);
      }
    }));
    const deliveredIds = () => receiver.received.flatMap((request) => request.body.Events.map((event: any) => `${event.Value.Id} ${event.Discriminator}`));
    const deadline = Date.now() + 30_000;
    while (deliveredIds().length < ids.length * 2 && Date.now() < deadline) await sleep(50);
    await sleep(500);
    const events = deliveredIds();
    expect(events.length).toBe(ids.length * 2);
    expect(new Set(events).size).toBe(events.length);
    for (const id of ids) expect(events).toContain(`${id} CustomerAdded`);
    const log = (await apps[1]!.app.inject({ method: 'GET', url: '/_connector/webhooks?Limit=1000' })).json().Messages;
    expect(log.every((message: any) => message.State === 'Delivered' && message.Attempts === 1)).toBe(true);
    expect(log).toHaveLength(receiver.received.length);
    process.stdout.write(`two instances: ${ids.length} customers, ${events.length} events in ${receiver.received.length} messages, each delivered once\n`);
  }, 90_000);
});

describe.each(dialects)('a hanging receiver and the API latency ($name)', (dialect) => {
  let t: TestApp;
  let receiver: Receiver;
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('leaves the median latency of customers/add where it is without webhooks', async () => {
    // The default batch window and timeout: the deliverer as it runs in production.
    t = await startTestApp(dialect, { CONTROL_API: 'on' });
    receiver = await startReceiver();
    receiver.behave(() => {}); // never answers
    const round = async (label: string) => {
      const times: number[] = [];
      for (let i = 0; i < 120; i++) {
        const started = process.hrtime.bigint();
        const added = await t.call('customers/add', { ...gross, LastName: `${label} ${i}`, OverwriteExisting: false });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(added.status).toBe(200);
      }
      return median(times.slice(20));
    };
    // Alternated rounds, so the machine's drift falls on both sides.
    const without: number[] = [];
    const hanging: number[] = [];
    for (let r = 0; r < 4; r++) {
      await setEndpoint(t, null);
      without.push(await round('plain'));
      await setEndpoint(t, `${receiver.url}/hang`);
      hanging.push(await round('hanging'));
    }
    await receiver.waitFor(1, 5000);
    const plain = median(without);
    const withHang = median(hanging);
    process.stdout.write(`customers/add median latency (${dialect.name}): ${plain.toFixed(2)} ms without webhooks, ${withHang.toFixed(2)} ms with a hanging receiver `
      + `(${(withHang / plain).toFixed(2)}x; rounds ${without.map((m) => m.toFixed(2)).join('/')} vs ${hanging.map((m) => m.toFixed(2)).join('/')})\n`);
    // A sanity bound only: the figures are printed; the deliverer never holds a request.
    expect(withHang).toBeLessThan(plain * 3 + 5);
  }, 90_000);
});
