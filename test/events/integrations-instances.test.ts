// Two instances sharing PostgreSQL (docs/behaviour.md, issue "every instance"): a token disabled or re-keyed
// through instance 1 answers 401 through instance 2 on its next request, although instance 2 remembered
// it; two state changes racing on one integration from both instances: one happens, the other is
// refused (409, or 400 when it read the new state), and exactly one webhook is sent.
import { afterAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { parsed } from '../helpers/expect.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { third } from '../helpers/tenancy.ts';

describe.each(dialects.filter((dialect) => dialect.name === 'postgres'))('integrations on two instances ($name)', (postgres) => {
  const apps: TestApp[] = [];
  let receiver: Receiver;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.close();
  });
  const control = async (t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => parsed(await t.app.inject({
    method, url: `/_connector${url}`, ...(body !== undefined ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  }));
  const tokensOf = (accessToken: string) => ({ ClientToken: third.ClientToken, AccessToken: accessToken, Client: 'instances' });

  it('refuses at once on the other instance, and lets one of two racing changes happen', async () => {
    const databaseUrl = await postgres.persistentDatabaseUrl();
    const env = { DATABASE_URL: databaseUrl, CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30' };
    apps.push(await startTestApp(postgres, env), await startTestApp(postgres, env));
    const [one, two] = apps as [TestApp, TestApp];
    receiver = await startReceiver();
    expect((await control(one, 'POST', '/webhooks/endpoints', { ClientToken: third.ClientToken, IntegrationWebhookUrl: `${receiver.url}/i` })).status).toBe(200);
    const connected = (await control(one, 'POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'Twin Hotel' } })).body;
    const id = connected.IntegrationId;
    // Instance 2 remembers the token.
    expect((await two.call('configuration/get', tokensOf(connected.AccessToken))).status).toBe(200);
    expect((await control(one, 'POST', `/integrations/${id}/disable`)).status).toBe(200);
    expect((await two.call('configuration/get', tokensOf(connected.AccessToken))).status).toBe(401);
    expect((await control(two, 'POST', `/integrations/${id}/enable`)).status).toBe(200);
    expect((await one.call('configuration/get', tokensOf(connected.AccessToken))).status).toBe(200);
    expect((await two.call('configuration/get', tokensOf(connected.AccessToken))).status).toBe(200);
    const rekeyed = (await control(one, 'POST', `/integrations/${id}/regenerate-key`)).body;
    expect((await two.call('configuration/get', tokensOf(connected.AccessToken))).status).toBe(401);
    expect((await two.call('configuration/get', tokensOf(rekeyed.AccessToken))).status).toBe(200);
    await receiver.waitFor(4);

    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const verb = round % 2 === 0 ? 'disable' : 'enable';
      const before = receiver.received.length;
      const answers = await Promise.all([one, two].map((app) => control(app, 'POST', `/integrations/${id}/${verb}`)));
      const statuses = answers.map((answer) => answer.status).sort();
      outcomes.push(statuses.join('/'));
      expect(statuses[0]).toBe(200);
      expect([400, 409]).toContain(statuses[1]);
      await receiver.waitFor(before + 1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(receiver.received.length, `round ${round}: one webhook for one change`).toBe(before + 1);
    }
    process.stdout.write(`racing state changes on two instances: ${outcomes.join(', ')}\n`);
  }, 60_000);
});
