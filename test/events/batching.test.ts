// Review findings on General Webhooks: events of a burst share one message (WEBHOOK_BATCH_MS counts
// from when the deliverer first sees them, and a finished delivery gathers nothing early); an
// integration the hotel disabled gets no more guest events; a webhook URL with a user name or password
// is refused (it could not be sent, and would be one more place for a secret to show).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { sleep } from '../helpers/clock.ts';
import { gross, grossChainId } from '../helpers/tenancy.ts';

describe.each(dialects)('General Webhook batches and targets ($name)', (dialect) => {
  let t: TestApp;
  let receiver: Receiver;
  const control = async (method: 'GET' | 'POST', url: string, body: unknown = {}) => parsed(await t.app.inject({
    method, url: `/_connector${url}`, ...(method === 'POST' ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  }));
  const addCustomer = async () => {
    const added = await t.call('customers/add', { ...gross, LastName: 'Burst', OverwriteExisting: false });
    expectJsonAnswer(added, 200);
    return added.body.Id as string;
  };
  const idsIn = (request: Receiver['received'][number]) => new Set<string>(request.body.Events.map((event: { Value: { Id: string } }) => event.Value.Id));

  beforeAll(async () => {
    t = await startTestApp(dialect, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '700' });
    receiver = await startReceiver();
    expectJsonAnswer(await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, GeneralWebhookUrl: `${receiver.url}/general?token=k` }), 200);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('puts the customers of a burst into one message per integration', async () => {
    // A first message delivered before the burst: its finished attempt must not gather the burst early.
    const before = await addCustomer();
    await receiver.waitFor(1);
    const burst: string[] = [];
    for (let index = 0; index < 8; index++) {
      burst.push(await addCustomer());
      await sleep(20);
    }
    await receiver.waitFor(2);
    await sleep(1500);
    const carrying = receiver.received.filter((request) => burst.some((id) => idsIn(request).has(id)));
    expect(carrying).toHaveLength(1);
    expect(idsIn(carrying[0]!)).toEqual(new Set(burst));
    expect(carrying[0]!.body.Events).toHaveLength(16);
    expect(idsIn(receiver.received[0]!)).toEqual(new Set([before]));
  });

  it('sends nothing more to an integration the hotel disabled, and again once it is enabled', async () => {
    const connected = await control('POST', '/integrations', { ClientToken: gross.ClientToken, Enterprise: { Name: 'Second hotel', ChainId: grossChainId } });
    expectJsonAnswer(connected, 200);
    const integrationId = connected.body.IntegrationId as string;
    const integrationsOf = (id: string) => new Set(receiver.received.filter((request) => idsIn(request).has(id)).map((request) => request.body.IntegrationId));

    const whileEnabled = await addCustomer();
    await expect.poll(() => integrationsOf(whileEnabled).size, { timeout: 10_000 }).toBe(2);
    expect(integrationsOf(whileEnabled).has(integrationId)).toBe(true);

    expectJsonAnswer(await control('POST', `/integrations/${integrationId}/disable`), 200);
    const whileDisabled = await addCustomer();
    await expect.poll(() => integrationsOf(whileDisabled).size, { timeout: 10_000 }).toBe(1);
    await sleep(1500);
    expect(integrationsOf(whileDisabled).has(integrationId)).toBe(false);

    expectJsonAnswer(await control('POST', `/integrations/${integrationId}/enable`), 200);
    const enabledAgain = await addCustomer();
    await expect.poll(() => integrationsOf(enabledAgain).size, { timeout: 10_000 }).toBe(2);
  });

  it('refuses a webhook URL with a user name or password, naming the field, and keeps the one it had', async () => {
    const refused = await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, GeneralWebhookUrl: `http://user:pw@127.0.0.1:9/general?token=k` });
    expectError(refused, 400, 'GeneralWebhookUrl');
    expect(JSON.stringify(refused.body)).not.toContain('pw@');
    const listed = await control('GET', '/webhooks/endpoints');
    expect(JSON.stringify(listed.body)).toContain(`${receiver.url}/general`);
  });
});
