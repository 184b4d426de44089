// docs/behaviour.md "never lost": the real server as a child process, killed with SIGKILL (1) after
// customers were added and acknowledged but before their events were gathered, and (2) while their
// messages were in flight to a receiver that never answers; restarted on the same database, it
// delivers every acknowledged customer's events. Counted: none lost.
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/app.ts';
import { answer, startReceiver } from '../helpers/receiver.ts';
import { gross } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';
import { kill, startServer as startWithDefaults, type ServerProcess as Server } from '../helpers/server-process.ts';

const customers = 40;

/** The control plane is on: the test reads the webhook messages through it. */
const startServer = (databaseUrl: string, env: Record<string, string>) => startWithDefaults(databaseUrl, { CONTROL_API: 'on', ...env });

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() as any };
};

describe.concurrent('webhooks across SIGKILL and restart', () => describe.each(dialects)('$name', (dialect) => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await kill(server);
  });

  it(`delivers the events of all ${customers} acknowledged customers after two kills`, async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const receiver = await startReceiver();
    try {
      // 1. Events committed, never gathered: the batch window is longer than the server lives.
      let server = await startServer(databaseUrl, { WEBHOOK_BATCH_MS: '600000' });
      servers.push(server);
      expect((await post(`${server.base}/_connector/webhooks/endpoints`, { ClientToken: gross.ClientToken, GeneralWebhookUrl: `${receiver.url}/hooks?token=secret` })).status).toBe(200);
      const ids: string[] = [];
      for (let i = 0; i < customers; i++) {
        const added = await post(`${server.base}/api/connector/v1/customers/add`, { ...gross, LastName: `Restart ${i}`, OverwriteExisting: false });
        expect(added.status).toBe(200);
        ids.push(added.body.Id);
      }
      await kill(server);
      expect(receiver.received).toHaveLength(0);

      // 2. Gathered and claimed, in flight to a receiver that never answers: killed mid-attempt.
      receiver.behave(() => {});
      server = await startServer(databaseUrl, { WEBHOOK_BATCH_MS: '50', WEBHOOK_TIMEOUT_MS: '500' });
      servers.push(server);
      await receiver.waitFor(1, 20_000);
      await kill(server);
      const unanswered = receiver.received.length;

      // 3. A receiver that answers: every customer's pair arrives in an answered request.
      receiver.behave(answer(200));
      server = await startServer(databaseUrl, { WEBHOOK_BATCH_MS: '50', WEBHOOK_TIMEOUT_MS: '500' });
      servers.push(server);
      const answeredSince = receiver.received.length;
      const delivered = () => {
        const seen = new Map<string, string[]>();
        for (const request of receiver.received.slice(answeredSince)) {
          for (const event of request.body.Events) seen.set(event.Value.Id, [...(seen.get(event.Value.Id) ?? []), event.Discriminator]);
        }
        return seen;
      };
      const deadline = Date.now() + 30_000;
      while (ids.some((id) => !delivered().has(id)) && Date.now() < deadline) await sleep(50);
      const seen = delivered();
      const lost = ids.filter((id) => !seen.has(id));
      expect(lost).toEqual([]);
      for (const id of ids) expect(seen.get(id)!.sort()).toEqual(['CustomerAdded', 'CustomerUpdated']);
      const log = await (await fetch(`${server.base}/_connector/webhooks?Limit=1000`)).json() as { Messages: { State: string }[] };
      expect(log.Messages.every((message) => message.State === 'Delivered')).toBe(true);
      process.stdout.write(`webhooks restart (${dialect.name}): ${customers} customers acknowledged, 2 kills (${unanswered} requests unanswered at the second), `
        + `${seen.size} delivered after restart in ${receiver.received.length - answeredSince} message(s), ${lost.length} lost\n`);
      await kill(server);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('SIGTERM lets an attempt in flight finish and record its outcome', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const receiver = await startReceiver();
    try {
      // Answers 200 after 1.5 s: the attempt is in flight when the server is told to stop.
      receiver.behave((_request, _index, response) => void setTimeout(() => response.writeHead(200).end(), 1500));
      let server = await startServer(databaseUrl, { WEBHOOK_BATCH_MS: '50' });
      servers.push(server);
      expect((await post(`${server.base}/_connector/webhooks/endpoints`, { ClientToken: gross.ClientToken, GeneralWebhookUrl: `${receiver.url}/slow` })).status).toBe(200);
      const added = await post(`${server.base}/api/connector/v1/customers/add`, { ...gross, LastName: 'Graceful', OverwriteExisting: false });
      expect(added.status).toBe(200);
      await receiver.waitFor(1);
      const exited = once(server.child, 'exit');
      server.child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      server = await startServer(databaseUrl, { WEBHOOK_BATCH_MS: '50' });
      servers.push(server);
      const log = await (await fetch(`${server.base}/_connector/webhooks`)).json() as { Messages: { State: string; Attempts: number; LastStatus: number }[] };
      expect(log.Messages).toEqual([expect.objectContaining({ State: 'Delivered', Attempts: 1, LastStatus: 200 })]);
      await sleep(300);
      expect(receiver.received).toHaveLength(1);
      await kill(server);
    } finally {
      await receiver.close();
    }
  }, 60_000);
}));
