// The client's webhook types and checks: a body the server really sent to a real receiver passes
// parseGeneralWebhook and the OpenAPI document's `webhooks` entry; a wrong one is refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, customerIdsOf, isGeneralWebhook, isIntegrationWebhook, parseGeneralWebhook, parseIntegrationWebhook, WebhookPayloadError, type GeneralWebhookMessage } from '../../src/client/index.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { webhookErrors } from '../helpers/openapi.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { gross } from '../helpers/tenancy.ts';

describe.each(dialects)('webhook bodies in the typed client ($name)', (dialect) => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startTestApp(dialect, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('accepts what the server sends, as the document describes it', async () => {
    const set = await t.app.inject({
      method: 'POST', url: '/_connector/webhooks/endpoints', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ClientToken: gross.ClientToken, GeneralWebhookUrl: `${receiver.url}/client` }),
    });
    expect(set.statusCode).toBe(200);
    const added = await t.call('customers/add', { ...gross, LastName: 'Typed', OverwriteExisting: false });
    const [request] = await receiver.waitFor(1);
    expect(webhookErrors('GeneralWebhook', request!.body)).toEqual([]);
    const message: GeneralWebhookMessage = parseGeneralWebhook(request!.body);
    expect(isGeneralWebhook(request!.body)).toBe(true);
    expect(customerIdsOf(message)).toEqual([added.body.Id]);
    // The integration's side: read the customer named, change it with customers/update; CustomerUpdated follows.
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const api = createClient({
      baseUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`,
      clientToken: gross.ClientToken, accessToken: gross.AccessToken, client: 'webhook client tests',
    });
    const [customerId] = customerIdsOf(message);
    const read = await api.customers.getAll({ CustomerIds: [customerId!], Extent: { Customers: true }, Limitation: { Count: 1 } });
    expect(read.Customers[0]!.LastName).toBe('Typed');
    const updated = await api.customers.update({ CustomerId: customerId!, LoyaltyCode: 'TYPED-1' });
    expect(updated.LoyaltyCode).toBe('TYPED-1');
    const [, second] = await receiver.waitFor(2);
    expect(parseGeneralWebhook(second!.body).Events).toEqual([{ Discriminator: 'CustomerUpdated', Value: { Id: customerId } }]);
    const kinds = message.Events.map((event) => {
      switch (event.Discriminator) {
        case 'CustomerAdded': return 'added';
        case 'CustomerUpdated': return 'updated';
      }
    });
    expect(kinds).toEqual(['added', 'updated']);
  });
});

describe('parseGeneralWebhook', () => {
  const valid = { EnterpriseId: '851df8c8-90f2-4c4a-8e01-a4fc46b25178', IntegrationId: 'c8bee838-7fb1-4f4e-8fac-ac87008b2f90', Events: [{ Discriminator: 'CustomerAdded', Value: { Id: 'c2f1d888-232e-49eb-87ac-5f75363af13b' } }] };
  it.each([
    ['body', null],
    ['EnterpriseId', { ...valid, EnterpriseId: 'nope' }],
    ['IntegrationId', { ...valid, IntegrationId: undefined }],
    ['Events', { ...valid, Events: [] }],
    ['Events[0].Discriminator', { ...valid, Events: [{ Discriminator: 42, Value: { Id: valid.Events[0]!.Value.Id } }] }],
    ['Events[0].Value.Id', { ...valid, Events: [{ Discriminator: 'CustomerUpdated', Value: {} }] }],
  ])('refuses a body with a bad %s, naming it', (path, body) => {
    expect(() => parseGeneralWebhook(body)).toThrow(WebhookPayloadError);
    expect(() => parseGeneralWebhook(body)).toThrow(`Invalid webhook body: ${path} `);
    expect(isGeneralWebhook(body)).toBe(false);
    expect(webhookErrors('GeneralWebhook', body).length).toBeGreaterThan(0);
  });

  it('takes the published example, keeping the customer events and leaving out the kinds it does not know', () => {
    const published = {
      EnterpriseId: '851df8c8-90f2-4c4a-8e01-a4fc46b25178',
      IntegrationId: 'c8bee838-7fb1-4f4e-8fac-ac87008b2f90',
      Events: [
        { Discriminator: 'ServiceOrderUpdated', Value: { Id: 'bfee2c44-1f84-4326-a862-5289598f6e2d' } },
        { Discriminator: 'ResourceUpdated', Value: { Id: '7cccbdc6-73cf-4cd4-8056-6fd00f4d9699' } },
        { Discriminator: 'MessageAdded', Value: { Id: '4bfe4675-98a9-4428-9ea9-ae5300dbaa93' } },
        { Discriminator: 'CustomerAdded', Value: { Id: 'c2f1d888-232e-49eb-87ac-5f75363af13b' } },
        { Discriminator: 'CustomerUpdated', Value: { Id: 'b3ce0fd7-a715-4bfc-969e-ef7a4822963c' } },
      ],
    };
    expect(isGeneralWebhook(published)).toBe(true);
    expect(parseGeneralWebhook(published).Events).toEqual(published.Events.slice(3));
  });
});

describe('parseIntegrationWebhook', () => {
  const integration = { Id: '9e5e84e9-974d-4f16-9662-ab2200f27cb1', Name: 'WebhookTEST' };
  const published = {
    Action: 'IntegrationCreated',
    Data: {
      Enterprise: { Id: '8865aa96-f62d-4f9b-a912-ab2100f60f42', Name: 'Sample Chain Hotel 1' },
      Service: { Id: '9745ce3a-8dbb-4cc0-a550-55f9ff67b242', Name: 'Accommodation' },
      Requestor: null, AccessToken: '9E5E84E9974D4F169662AB2200F27CB1-00B343A0DDA725CACAC028E38E3EABF',
      CreatedUtc: '2019-12-13T14:42:52Z', IsEnabled: true, Integration: integration,
    },
  };

  it('accepts the published example and every action, narrowing by Action', () => {
    const bodies = [
      published,
      ...['IntegrationEnabled', 'IntegrationDisabled', 'IntegrationCanceled', 'IntegrationReinstated'].map((Action) => ({ Action, Data: { Integration: integration } })),
      { Action: 'IntegrationDeleted', Data: { DeletedUtc: '2019-12-13T14:42:52Z', Integration: integration } },
      { Action: 'IntegrationApiKeyCreated', Data: { Integration: integration, ApiKey: 'NEW-KEY' } },
    ];
    const seen = bodies.map((body) => {
      expect(webhookErrors('IntegrationWebhook', body)).toEqual([]);
      const message = parseIntegrationWebhook(body);
      switch (message.Action) {
        case 'IntegrationCreated': return message.Data.AccessToken;
        case 'IntegrationApiKeyCreated': return message.Data.ApiKey;
        case 'IntegrationDeleted': return message.Data.DeletedUtc;
        default: return message.Action;
      }
    });
    expect(seen).toEqual([published.Data.AccessToken, 'IntegrationEnabled', 'IntegrationDisabled', 'IntegrationCanceled', 'IntegrationReinstated', '2019-12-13T14:42:52Z', 'NEW-KEY']);
  });

  it.each([
    ['Action', { Action: 'IntegrationExploded', Data: { Integration: integration } }],
    ['Data', { Action: 'IntegrationEnabled' }],
    ['Data.Integration.Id', { Action: 'IntegrationEnabled', Data: { Integration: { Id: 'x', Name: 'n' } } }],
    ['Data.AccessToken', { ...published, Data: { ...published.Data, AccessToken: undefined } }],
    ['Data.ApiKey', { Action: 'IntegrationApiKeyCreated', Data: { Integration: integration } }],
    ['Data.DeletedUtc', { Action: 'IntegrationDeleted', Data: { Integration: integration } }],
  ])('refuses a body with a bad %s, naming it', (path, body) => {
    expect(() => parseIntegrationWebhook(body)).toThrow(`Invalid webhook body: ${path} `);
    expect(isIntegrationWebhook(body)).toBe(false);
    expect(webhookErrors('IntegrationWebhook', body).length).toBeGreaterThan(0);
  });
});
