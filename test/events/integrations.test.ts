// Integrations through the control plane (docs/behaviour.md) with a real receiver, on both databases:
// every row of the table — the answer, the token before and after, and the Integration Webhook
// compared to the published shape — bad input (400 naming the field, nothing created, nothing sent),
// unknown ids (404), invalid transitions (400 naming the state), and a new integration's token seeing
// exactly its chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIntegrationWebhook, type IntegrationWebhookMessage } from '../../src/client/index.ts';
import { derivedIntegrationId } from '../../src/tenancy/integrations.ts';
import { hashToken } from '../../src/tenancy/tokens.ts';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { webhookErrors } from '../helpers/openapi.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { gross, grossChainId, grossEnterpriseId, third, thirdChainId } from '../helpers/tenancy.ts';

const wireSecond = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const publishedToken = /^[0-9A-F]{32}-[0-9A-F]{31}$/;

describe.each(dialects)('integrations ($name)', (dialect) => {
  let t: TestApp;
  let receiver: Receiver;
  const control = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => parsed(await t.app.inject({
    method, url: `/_connector${url}`, ...(body !== undefined ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  }));
  const tokensOf = (accessToken: string) => ({ ClientToken: third.ClientToken, AccessToken: accessToken, Client: 'integration tests' });
  /** The next Integration Webhook the receiver gets, checked against the document and the client's parser. */
  let seen = 0;
  const nextMessage = async (): Promise<IntegrationWebhookMessage> => {
    const received = await receiver.waitFor(seen + 1);
    const body = received[seen++]!.body;
    expect(webhookErrors('IntegrationWebhook', body)).toEqual([]);
    return parseIntegrationWebhook(body);
  };
  const noMoreMessages = async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.length).toBe(seen);
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30' });
    receiver = await startReceiver();
    const set = await control('POST', '/webhooks/endpoints', { ClientToken: third.ClientToken, IntegrationWebhookUrl: `${receiver.url}/integrations?secret=abc` });
    expectJsonAnswer(set, 200);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('connects a new property in a new chain: IntegrationCreated carries a token that works at once and sees exactly its chain', async () => {
    const connected = await control('POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'Harbour Hotel' } });
    expectJsonAnswer(connected, 200);
    const { IntegrationId, AccessToken, EnterpriseId, ChainId } = connected.body;
    for (const id of [IntegrationId, EnterpriseId, ChainId]) expect(isLowercaseUuid(id)).toBe(true);
    expect(AccessToken).toMatch(publishedToken);
    expect(ChainId).not.toBe(grossChainId);

    const message = await nextMessage();
    expect(message).toEqual({
      Action: 'IntegrationCreated',
      Data: {
        Enterprise: { Id: EnterpriseId, Name: 'Harbour Hotel' }, Requestor: null, AccessToken,
        CreatedUtc: expect.stringMatching(wireSecond), IsEnabled: true, Integration: { Id: IntegrationId, Name: 'Test Client' },
      },
    });
    expect(receiver.received[0]!.search).toBe('?secret=abc');

    const configuration = await t.call('configuration/get', tokensOf(AccessToken));
    expectJsonAnswer(configuration, 200);
    expect(configuration.body.Enterprise).toMatchObject({ Id: EnterpriseId, ChainId, Name: 'Harbour Hotel' });
    // Its own chain only: its program is its own, the gross token does not see it, it sees none of gross's.
    await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Gross only', Code: `G-${dialect.name}` }] });
    const own = await t.call('loyaltyPrograms/add', { ...tokensOf(AccessToken), LoyaltyPrograms: [{ Name: 'Harbour Club', Code: 'HARBOUR' }] });
    expectJsonAnswer(own, 200);
    expect(own.body.LoyaltyPrograms[0].ChainId).toBe(ChainId);
    const listed = await t.call('loyaltyPrograms/getAll', { ...tokensOf(AccessToken), Limitation: { Count: 100 } });
    expect(listed.body.LoyaltyPrograms.map((p: any) => p.Id)).toEqual([own.body.LoyaltyPrograms[0].Id]);
    const fromGross = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [own.body.LoyaltyPrograms[0].Id], Limitation: { Count: 100 } });
    expect(fromGross.body.LoyaltyPrograms).toEqual([]);
    expect((await t.call('customers/getAll', { ...tokensOf(AccessToken), ActivityStates: ['Active'], Extent: { Customers: true }, Limitation: { Count: 100 } })).body.Customers).toEqual([]);

    // Listed with its state; the token only as a hint.
    const list = (await control('GET', '/integrations')).body.Integrations;
    const entry = list.find((i: any) => i.IntegrationId === IntegrationId);
    expect(entry).toMatchObject({ Name: 'Test Client', State: 'Enabled', EnterpriseIds: [EnterpriseId], ChainIds: [ChainId], IsPortfolio: false, DeletedUtc: null });
    expect(entry.AccessToken).toBe(`${AccessToken.slice(0, 4)}…${AccessToken.slice(-4)}`);
    expect(JSON.stringify(list)).not.toContain(AccessToken);
    // The delivery log shows the message, its token masked.
    const logged = (await control('GET', '/webhooks?Kind=Integration')).body.Messages;
    expect(JSON.stringify(logged)).not.toContain(AccessToken);
    expect(logged[0]).toMatchObject({ Kind: 'Integration', Url: `${receiver.url}/integrations` });
    // The seeded tokens are integrations too, with their derived ids.
    expect(list.find((i: any) => i.IntegrationId === derivedIntegrationId(hashToken(third.AccessToken)))).toMatchObject({ State: 'Enabled', ChainIds: [thirdChainId] });
  });

  it('connects an existing enterprise, and a new one into a named chain', async () => {
    const existing = await control('POST', '/integrations', { ClientToken: third.ClientToken, EnterpriseId: grossEnterpriseId });
    expectJsonAnswer(existing, 200);
    expect(existing.body).toMatchObject({ EnterpriseId: grossEnterpriseId, ChainId: grossChainId });
    expect((await nextMessage()).Data).toMatchObject({ Enterprise: { Id: grossEnterpriseId, Name: 'Connector API Hotel (gross pricing)' } });
    const program = await t.call('loyaltyPrograms/getAll', { ...tokensOf(existing.body.AccessToken), Codes: [`G-${dialect.name}`], Limitation: { Count: 10 } });
    expect(program.body.LoyaltyPrograms).toHaveLength(1);

    const inChain = await control('POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'Third Annex', ChainId: thirdChainId } });
    expectJsonAnswer(inChain, 200);
    expect(inChain.body.ChainId).toBe(thirdChainId);
    await nextMessage();
    const configuration = await t.call('configuration/get', tokensOf(inChain.body.AccessToken));
    expect(configuration.body.Enterprise).toMatchObject({ Id: inChain.body.EnterpriseId, ChainId: thirdChainId, ChainName: 'Third Chain' });
  });

  it('disables, enables, cancels, reinstates, regenerates the key and deletes, with one webhook each and the token refused at once', async () => {
    const { IntegrationId, AccessToken } = (await control('POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'Lifecycle Inn' } })).body;
    await nextMessage();
    const reference = { Id: IntegrationId, Name: 'Test Client' };
    let token = AccessToken as string;
    const works = async () => (await t.call('configuration/get', tokensOf(token))).status;
    expect(await works()).toBe(200); // remembered by the authentication cache from here on

    const steps: [string, 'POST' | 'DELETE', string, number][] = [
      ['disable', 'POST', 'IntegrationDisabled', 401],
      ['enable', 'POST', 'IntegrationEnabled', 200],
      ['cancel', 'POST', 'IntegrationCanceled', 401],
      ['reinstate', 'POST', 'IntegrationReinstated', 200],
    ];
    for (const [verb, method, action, status] of steps) {
      const answer = await control(method, `/integrations/${IntegrationId}/${verb}`);
      expectJsonAnswer(answer, 200);
      expect(answer.body.State).toBe(status === 200 ? 'Enabled' : verb === 'disable' ? 'Disabled' : 'Canceled');
      expect(await works(), `${verb}: the token's next request`).toBe(status);
      expect(await nextMessage()).toEqual({ Action: action, Data: { Integration: reference } });
    }
    expect((await t.call('configuration/get', tokensOf(token))).status).toBe(200);

    // Invalid transitions name the state; nothing is sent.
    expectError(await control('POST', `/integrations/${IntegrationId}/enable`), 400, 'Invalid State: the integration is Enabled');
    expectError(await control('POST', `/integrations/${IntegrationId}/reinstate`), 400, 'Invalid State');
    await control('POST', `/integrations/${IntegrationId}/cancel`);
    await nextMessage();
    expectError(await control('POST', `/integrations/${IntegrationId}/enable`), 400, 'Invalid State: the integration is Canceled');
    expectError(await control('POST', `/integrations/${IntegrationId}/disable`), 400, 'Invalid State');
    await control('POST', `/integrations/${IntegrationId}/reinstate`);
    await nextMessage();

    // A new key works at once; the old one is refused at once.
    const regenerated = await control('POST', `/integrations/${IntegrationId}/regenerate-key`);
    expectJsonAnswer(regenerated, 200);
    expect(regenerated.body.AccessToken).toMatch(publishedToken);
    expect(regenerated.body.IntegrationId).toBe(IntegrationId);
    expect(await works()).toBe(401);
    const old = token;
    token = regenerated.body.AccessToken;
    expect(await works()).toBe(200);
    expect(await nextMessage()).toEqual({ Action: 'IntegrationApiKeyCreated', Data: { Integration: reference, ApiKey: token } });
    expect((await t.call('configuration/get', tokensOf(old))).body.Message).toContain('Invalid ClientToken or AccessToken');

    // Deleted: refused for good, the data stays, nothing more is possible.
    const customer = await t.call('customers/add', { ...tokensOf(token), LastName: 'Stays', OverwriteExisting: false });
    expect(customer.status).toBe(200);
    const deleted = await control('DELETE', `/integrations/${IntegrationId}`);
    expectJsonAnswer(deleted, 200);
    expect(deleted.body).toMatchObject({ State: 'Deleted', DeletedUtc: expect.any(String) });
    expect(await works()).toBe(401);
    expect(await nextMessage()).toEqual({ Action: 'IntegrationDeleted', Data: { DeletedUtc: expect.stringMatching(wireSecond), Integration: reference } });
    for (const verb of ['enable', 'disable', 'cancel', 'reinstate', 'regenerate-key']) {
      expectError(await control('POST', `/integrations/${IntegrationId}/${verb}`), 400, 'Invalid State: the integration is Deleted');
    }
    expectError(await control('DELETE', `/integrations/${IntegrationId}`), 400, 'Invalid State');
    const stays = await control('GET', `/chains/${customer.body.ChainId}/customers`);
    expect(stays.body.Items.map((c: any) => c.Id)).toContain(customer.body.Id);
    await noMoreMessages();
  });

  it('refuses bad input naming the field, with nothing created and nothing sent; unknown ids are 404', async () => {
    await noMoreMessages();
    const before = (await control('GET', '/integrations')).body.Integrations.length;
    expectError(await control('POST', '/integrations', { ClientToken: 'NO-SUCH-CLIENT', Enterprise: { Name: 'X' } }), 400, 'Invalid ClientToken');
    expectError(await control('POST', '/integrations', { ClientToken: third.ClientToken, EnterpriseId: '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4' }), 400, 'Invalid EnterpriseId');
    expectError(await control('POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'X', ChainId: '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4' } }), 400, 'Invalid Enterprise.ChainId');
    const long = await control('POST', '/integrations', { ClientToken: third.ClientToken, Enterprise: { Name: 'x'.repeat(256) } });
    expectError(long, 400);
    expect(long.body.Message).toContain('Name');
    expectError(await control('POST', '/integrations', { ClientToken: third.ClientToken }), 400, 'Invalid EnterpriseId');
    expectError(await control('POST', '/integrations', { ClientToken: third.ClientToken, EnterpriseId: grossEnterpriseId, Enterprise: { Name: 'Both' } }), 400, 'Invalid EnterpriseId');
    expect((await control('GET', '/integrations')).body.Integrations.length).toBe(before);
    for (const verb of ['disable', 'enable', 'cancel', 'reinstate', 'regenerate-key']) {
      expectError(await control('POST', `/integrations/6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4/${verb}`), 404, 'Unknown IntegrationId');
    }
    expectError(await control('DELETE', '/integrations/6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4'), 404, 'Unknown IntegrationId');
    await noMoreMessages();
  });
});
