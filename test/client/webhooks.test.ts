// The client's webhook types and checks: a body the server really sent to a real receiver passes
// parseGeneralWebhook and the OpenAPI document's `webhooks` entry; a wrong one is refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdsOf, isGeneralWebhook, parseGeneralWebhook, WebhookPayloadError, type GeneralWebhookMessage } from '../../src/client/index.ts';
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
    ['Events[0].Discriminator', { ...valid, Events: [{ Discriminator: 'Nope', Value: { Id: valid.Events[0]!.Value.Id } }] }],
    ['Events[0].Value.Id', { ...valid, Events: [{ Discriminator: 'CustomerUpdated', Value: {} }] }],
  ])('refuses a body with a bad %s, naming it', (path, body) => {
    expect(() => parseGeneralWebhook(body)).toThrow(WebhookPayloadError);
    expect(() => parseGeneralWebhook(body)).toThrow(`Invalid webhook body: ${path} `);
    expect(isGeneralWebhook(body)).toBe(false);
    expect(webhookErrors('GeneralWebhook', body).length).toBeGreaterThan(0);
  });
});
