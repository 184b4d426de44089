// General Webhooks through HTTP with real receivers (docs/behaviour.md, 7.2, 7.4, 7.5): a customer added
// or updated through the API or the front desk reaches every integration of its chain, once, in one
// message; failures are retried, discarded after WEBHOOK_ATTEMPTS, redeliverable; redirects followed;
// a hang, a refused connection, a DNS failure and a 10 MB answer fail the attempt cleanly;
// a request that fails emits nothing; endpoint URLs are validated and never shown whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherGeneralMessages } from '../../src/events/messages.ts';
import { derivedIntegrationId } from '../../src/tenancy/integrations.ts';
import { portfolioEnterpriseId } from '../../src/tenancy/seed.ts';
import { hashToken } from '../../src/tenancy/tokens.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { answer, startReceiver, type Receiver } from '../helpers/receiver.ts';
import { gross, grossChainId, grossEnterpriseId, net, portfolio, third, thirdChainId, thirdEnterpriseId } from '../helpers/tenancy.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secret = 'token=s3cr3t-shared-value';

/** Every event the receiver got for this entity, with the message that carried it. */
const eventsFor = (receiver: Receiver, id: string) =>
  receiver.received.flatMap((request) => (request.body?.Events ?? [])
    .filter((event: any) => event.Value?.Id === id)
    .map((event: any) => ({ Discriminator: event.Discriminator, EnterpriseId: request.body.EnterpriseId, IntegrationId: request.body.IntegrationId, path: request.path })));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe.each(dialects)('General Webhooks ($name)', (dialect) => {
  let t: TestApp;
  let grossReceiver: Receiver;
  let testReceiver: Receiver;
  const control = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => parsed(await t.app.inject({
    method, url: `/_connector${url}`, ...(body !== undefined ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  }));
  const messagesOf = async (id: string) => (await control('GET', '/webhooks?Limit=1000')).body.Messages
    .filter((m: any) => m.Payload.Events?.some((event: any) => event.Value.Id === id));
  const setEndpoint = async (clientToken: string, url: string | null) => {
    const set = await control('POST', '/webhooks/endpoints', { ClientToken: clientToken, GeneralWebhookUrl: url });
    expectJsonAnswer(set, 200);
    return set;
  };
  const addCustomer = async (tokens: typeof gross, extra: Record<string, unknown> = {}) => {
    const added = await t.call('customers/add', { ...tokens, LastName: 'Webhook', FirstName: 'Wendy', OverwriteExisting: false, ...extra });
    expectJsonAnswer(added, 200);
    return added.body.Id as string;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      CONTROL_API: 'on', WEBHOOK_BATCH_MS: '40', WEBHOOK_RETRY_DELAY_MS: '150', WEBHOOK_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '700',
    });
    grossReceiver = await startReceiver();
    testReceiver = await startReceiver();
    await setEndpoint(gross.ClientToken, `${grossReceiver.url}/hooks/general?${secret}`);
    await setEndpoint(third.ClientToken, `${testReceiver.url}/test-client`);
  });
  afterAll(async () => {
    await t.close();
    await grossReceiver.close();
    await testReceiver.close();
  });

  it('sends CustomerAdded and CustomerUpdated together to every integration of the chain, and none to others', async () => {
    const id = await addCustomer(gross);
    // The gross client's gross integration; the test client's portfolio (gross + third). Not the
    // gross client's net integration, nor the test client's third-chain token.
    await until('both messages', () => eventsFor(grossReceiver, id).length === 2 && eventsFor(testReceiver, id).length === 2);
    await sleep(300);
    expect(eventsFor(grossReceiver, id)).toEqual([
      { Discriminator: 'CustomerAdded', EnterpriseId: grossEnterpriseId, IntegrationId: derivedIntegrationId(hashToken(gross.AccessToken)), path: '/hooks/general' },
      { Discriminator: 'CustomerUpdated', EnterpriseId: grossEnterpriseId, IntegrationId: derivedIntegrationId(hashToken(gross.AccessToken)), path: '/hooks/general' },
    ]);
    const portfolioIntegration = derivedIntegrationId(hashToken(portfolio.AccessToken));
    expect(eventsFor(testReceiver, id)).toEqual([
      { Discriminator: 'CustomerAdded', EnterpriseId: portfolioEnterpriseId(hashToken(portfolio.AccessToken)), IntegrationId: portfolioIntegration, path: '/test-client' },
      { Discriminator: 'CustomerUpdated', EnterpriseId: portfolioEnterpriseId(hashToken(portfolio.AccessToken)), IntegrationId: portfolioIntegration, path: '/test-client' },
    ]);
    // One message each, as configured (the secret travels in the query), as JSON.
    const carrying = grossReceiver.received.filter((request) => request.body.Events.some((event: any) => event.Value.Id === id));
    expect(carrying).toHaveLength(1);
    expect(carrying[0]!.search).toBe(`?${secret}`);
    expect(carrying[0]!.headers['content-type']).toBe('application/json');
    expect(Object.keys(carrying[0]!.body).sort()).toEqual(['EnterpriseId', 'Events', 'IntegrationId']);

    // The delivery log: delivered at the first attempt, the URL masked everywhere.
    const messages = await until('delivered messages', async () => {
      const found = await messagesOf(id);
      return found.length === 2 && found.every((m: any) => m.State === 'Delivered') ? found : undefined;
    });
    for (const message of messages) {
      expect(message).toMatchObject({ Kind: 'General', State: 'Delivered', Attempts: 1, LastStatus: 200, LastError: null, NextAttemptUtc: null });
    }
    expect(messages.map((m: any) => m.Url).sort()).toEqual([`${grossReceiver.url}/hooks/general`, `${testReceiver.url}/test-client`].sort());
    const listed = await control('GET', '/webhooks/endpoints');
    expect(JSON.stringify(listed.body)).not.toContain('s3cr3t');
    expect(JSON.stringify((await control('GET', '/webhooks?Limit=1000')).body)).not.toContain('s3cr3t');
  });

  it('a customer of another chain reaches only that chain\'s integrations', async () => {
    const id = await addCustomer(third);
    await until('the test client messages', () => eventsFor(testReceiver, id).length === 4);
    await sleep(300);
    expect(eventsFor(grossReceiver, id)).toEqual([]);
    // The test client has two integrations covering the third chain: the third token and the portfolio.
    const byIntegration = new Set(eventsFor(testReceiver, id).map((event) => `${event.IntegrationId}/${event.EnterpriseId}`));
    expect(byIntegration).toEqual(new Set([
      `${derivedIntegrationId(hashToken(third.AccessToken))}/${thirdEnterpriseId}`,
      `${derivedIntegrationId(hashToken(portfolio.AccessToken))}/${portfolioEnterpriseId(hashToken(portfolio.AccessToken))}`,
    ]));
    expect(eventsFor(testReceiver, id)).toHaveLength(4);
  });

  it('customers/update sends CustomerUpdated; a failed request sends nothing', async () => {
    const id = await addCustomer(gross, { Email: `update-${dialect.name}@example.com` });
    const other = await addCustomer(gross, { Email: `other-${dialect.name}@example.com` });
    // Failures: an email another active customer has, an unknown customer, a foreign one, a duplicate add.
    expectError(await t.call('customers/update', { ...gross, CustomerId: id, Email: `OTHER-${dialect.name}@example.com` }), 400, 'Invalid Email');
    expectError(await t.call('customers/update', { ...gross, CustomerId: '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4', FirstName: 'X' }), 400, 'Invalid CustomerId');
    expectError(await t.call('customers/update', { ...net, CustomerId: id, FirstName: 'X' }), 400, 'Invalid CustomerId');
    expectError(await t.call('customers/update', { ...portfolio, CustomerId: id, FirstName: 'X' }), 400, 'Invalid ChainId');
    expectError(await t.call('customers/add', { ...gross, LastName: 'Dup', Email: `other-${dialect.name}@example.com`, OverwriteExisting: false }), 400, 'Invalid Email');
    expectError(await t.call('customers/update', { ...gross, CustomerId: id, LastName: 'x'.repeat(256) }), 400, 'LastName');

    const updated = await t.call('customers/update', { ...gross, CustomerId: id, FirstName: 'Winifred', Email: null, Phone: '', LoyaltyCode: 'LC-1' });
    expectJsonAnswer(updated, 200);
    expect(updated.body).toMatchObject({ Id: id, FirstName: 'Winifred', LastName: 'Webhook', Email: `update-${dialect.name}@example.com`, LoyaltyCode: 'LC-1' });
    const viaPortfolio = await t.call('customers/update', { ...portfolio, ChainId: grossChainId, CustomerId: id, Email: `new-${dialect.name}@example.com` });
    expectJsonAnswer(viaPortfolio, 200);
    expect(viaPortfolio.body.Email).toBe(`new-${dialect.name}@example.com`);
    const read = await t.call('customers/getAll', { ...gross, CustomerIds: [id], Extent: { Customers: true }, Limitation: { Count: 1 } });
    expect(read.body.Customers[0]).toMatchObject({ FirstName: 'Winifred', Email: `new-${dialect.name}@example.com` });

    // add + two updates: Added, Updated, Updated, Updated; the other customer only its add.
    await until('the updates', () => eventsFor(grossReceiver, id).length === 4);
    await sleep(300);
    expect(eventsFor(grossReceiver, id).map((event) => event.Discriminator).sort()).toEqual(['CustomerAdded', 'CustomerUpdated', 'CustomerUpdated', 'CustomerUpdated']);
    expect(eventsFor(grossReceiver, other).map((event) => event.Discriminator).sort()).toEqual(['CustomerAdded', 'CustomerUpdated']);
    // OverwriteExisting updating a customer is an update.
    const overwritten = await t.call('customers/add', { ...gross, LastName: 'Other', Email: `other-${dialect.name}@example.com`, OverwriteExisting: true });
    expect(overwritten.body.Id).toBe(other);
    await until('the overwrite', () => eventsFor(grossReceiver, other).length === 3);
    expect(eventsFor(grossReceiver, other).filter((event) => event.Discriminator === 'CustomerUpdated')).toHaveLength(2);
  });

  it('retries a failing receiver and delivers at the third attempt', async () => {
    const receiver = await startReceiver();
    let failures = 0;
    receiver.behave((request, _index, response) => {
      const ours = request.body?.Events?.some((event: any) => event.Value.Id === pending.id);
      response.writeHead(ours && failures++ < 2 ? 500 : 200).end();
    });
    const pending = { id: '' };
    await setEndpoint(gross.ClientToken, `${receiver.url}/flaky`);
    try {
      pending.id = await addCustomer(gross);
      const message = await until('delivery', async () => (await messagesOf(pending.id)).find((m: any) => m.Url.endsWith('/flaky') && m.State === 'Delivered'));
      expect(message).toMatchObject({ Attempts: 3, LastStatus: 200, LastError: null });
      expect(eventsFor(receiver, pending.id)).toHaveLength(6);
    } finally {
      await setEndpoint(gross.ClientToken, `${grossReceiver.url}/hooks/general?${secret}`);
      await receiver.close();
    }
  });

  it('discards a message after WEBHOOK_ATTEMPTS, and redelivers it on demand', async () => {
    const receiver = await startReceiver();
    receiver.behave(answer(503));
    await setEndpoint(gross.ClientToken, `${receiver.url}/down`);
    try {
      const id = await addCustomer(gross);
      const discarded = await until('discarded', async () => (await messagesOf(id)).find((m: any) => m.Url.endsWith('/down') && m.State === 'Discarded'), 20_000);
      expect(discarded).toMatchObject({ Attempts: 3, LastStatus: 503, LastError: 'answered 503', NextAttemptUtc: null });
      expect((await control('GET', '/webhooks?State=Discarded')).body.Messages.map((m: any) => m.Id)).toContain(discarded.Id);
      receiver.behave(answer(204));
      const redelivered = await control('POST', `/webhooks/${discarded.Id}/redeliver`);
      expectJsonAnswer(redelivered, 200);
      expect(redelivered.body.State).toBe('Pending');
      const delivered = await until('redelivered', async () => (await messagesOf(id)).find((m: any) => m.Id === discarded.Id && m.State === 'Delivered'));
      expect(delivered).toMatchObject({ Attempts: 4, LastStatus: 204 });
      expectError(await control('POST', '/webhooks/6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4/redeliver'), 404, 'Unknown MessageId');
    } finally {
      await setEndpoint(gross.ClientToken, `${grossReceiver.url}/hooks/general?${secret}`);
      await receiver.close();
    }
  });

  it('follows 307 and 308 with the same body; a redirect loop, a hang, a refused connection and a huge answer fail cleanly', async () => {
    const receiver = await startReceiver();
    receiver.behave((request, _index, response) => {
      if (request.path === '/start') return void response.writeHead(307, { location: '/middle' }).end();
      if (request.path === '/middle') return void response.writeHead(308, { location: `${receiver.url}/end` }).end();
      if (request.path === '/loop') return void response.writeHead(307, { location: '/loop' }).end();
      if (request.path === '/hang') return; // never answers
      if (request.path === '/huge') return void response.writeHead(500, { 'content-type': 'text/plain' }).end(Buffer.alloc(10 * 1024 * 1024, 97));
      response.writeHead(200).end();
    });
    const cases: [string, (m: any) => boolean][] = [
      ['/start', (m) => m.State === 'Delivered' && m.Attempts === 1],
      ['/loop', (m) => m.LastError === 'redirected more than 3 times'],
      ['/hang', (m) => m.LastError === 'no answer within 700 ms'],
      ['/huge', (m) => m.LastStatus === 500 && m.LastError === 'answered 500'],
      ['refused', (m) => /^connection failed \(ECONNREFUSED\)$/.test(m.LastError)],
      // The .invalid top-level domain never resolves (RFC 6761).
      ['dns', (m) => /^DNS lookup failed \((ENOTFOUND|EAI_AGAIN)\)$/.test(m.LastError) && m.Url === 'http://receiver.invalid/hook'],
    ];
    // A port that was just free: nothing listens there.
    const closed = await startReceiver();
    const refusedUrl = `${closed.url}/nothing`;
    await closed.close();
    try {
      for (const [path, check] of cases) {
        await setEndpoint(gross.ClientToken, path === 'refused' ? refusedUrl : path === 'dns' ? 'http://receiver.invalid/hook?token=x' : `${receiver.url}${path}`);
        const id = await addCustomer(gross);
        const message = await until(path, async () => (await messagesOf(id)).find((m: any) => m.Attempts >= 1 && !m.Url.includes('test-client')));
        expect(check(message), `${path}: ${JSON.stringify(message)}`).toBe(true);
        if (path === '/start') {
          const end = receiver.received.filter((request) => request.path === '/end' && request.body.Events[0].Value.Id === id);
          expect(end).toHaveLength(1);
          expect(end[0]!.body.Events.map((event: any) => event.Discriminator)).toEqual(['CustomerAdded', 'CustomerUpdated']);
        }
      }
      // The server is still fine.
      expectJsonAnswer(await t.call('configuration/get', gross), 200);
    } finally {
      await setEndpoint(gross.ClientToken, `${grossReceiver.url}/hooks/general?${secret}`);
      await receiver.close();
    }
  });

  it('the front desk adds and edits customers with the same events; the simulation adds customers for its duration', async () => {
    const added = await control('POST', `/chains/${grossChainId}/customers`, { FirstName: 'Desk', LastName: 'Guest', Email: `desk-${dialect.name}@example.com` });
    expectJsonAnswer(added, 200);
    const id = added.body.Id;
    const edited = await control('POST', `/chains/${grossChainId}/customers/${id}`, { Phone: '+1 555 0100' });
    expectJsonAnswer(edited, 200);
    expect(edited.body).toMatchObject({ Id: id, Phone: '+1 555 0100', LastName: 'Guest' });
    expectError(await control('POST', `/chains/${grossChainId}/customers`, { FirstName: 'No last name' }), 400, 'LastName');
    expectError(await control('POST', `/chains/${thirdChainId}/customers/${id}`, { Phone: '1' }), 400, 'Invalid CustomerId');
    await until('front desk events', () => eventsFor(grossReceiver, id).length === 3);
    // Messages travel independently: their order of arrival is not promised.
    expect(eventsFor(grossReceiver, id).map((event) => event.Discriminator).sort()).toEqual(['CustomerAdded', 'CustomerUpdated', 'CustomerUpdated']);
    const listed = await control('GET', `/chains/${grossChainId}/customers?Count=5`);
    expect(listed.body.Items[0].Id).toBe(id);

    const before = grossReceiver.received.length;
    const started = await control('POST', '/simulation', { ChainId: grossChainId, ArrivalsPerMinute: 1200, UpdatesPerMinute: 600, DurationSeconds: 1 });
    expectJsonAnswer(started, 200);
    expect(started.body).toMatchObject({ Running: true, ChainId: grossChainId, Arrivals: 0 });
    const finished = await until('the end of the simulation', async () => {
      const state = (await control('GET', '/simulation')).body;
      return state.Running ? undefined : state;
    }, 10_000);
    expect(finished.Arrivals).toBeGreaterThanOrEqual(10);
    expect(finished.Arrivals).toBeLessThanOrEqual(21);
    expect(finished.Errors).toBe(0);
    await until('the simulated arrivals', () => grossReceiver.received.slice(before)
      .flatMap((request) => request.body.Events).filter((event: any) => event.Discriminator === 'CustomerAdded').length >= finished.Arrivals);
    expectError(await control('POST', '/simulation', { ChainId: '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4', ArrivalsPerMinute: 1, DurationSeconds: 1 }), 400, 'ChainId');
    expect((await control('DELETE', '/simulation')).body.Running).toBe(false);
  });

  it('refuses endpoint URLs that are not absolute http(s) or too long, and unknown clients, naming the field', async () => {
    for (const url of ['ftp://example.com/hook', '/relative/hook', 'not a url', `http://example.com/${'a'.repeat(2000)}`]) {
      expectError(await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, GeneralWebhookUrl: url }), 400, 'Invalid GeneralWebhookUrl');
    }
    expectError(await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, IntegrationWebhookUrl: 'mailto:x@example.com' }), 400, 'Invalid IntegrationWebhookUrl');
    expectError(await control('POST', '/webhooks/endpoints', { ClientToken: 'NO-SUCH-CLIENT', GeneralWebhookUrl: 'http://example.com/' }), 400, 'Invalid ClientToken');
    // Nothing changed: the gross client still points at its receiver, masked.
    const clients = (await control('GET', '/webhooks/endpoints')).body.Clients;
    expect(clients.find((c: any) => c.ClientTokenHash === hashToken(gross.ClientToken).slice(0, 12)).GeneralWebhookUrl).toBe(`${grossReceiver.url}/hooks/general`);
  });

  it('forgets delivered and discarded messages on request', async () => {
    const forgotten = await control('DELETE', '/webhooks');
    expectJsonAnswer(forgotten, 200);
    expect(forgotten.body.Forgotten).toBeGreaterThan(0);
    const left = (await control('GET', '/webhooks?Limit=1000')).body.Messages;
    expect(left.every((m: any) => m.State === 'Pending')).toBe(true);
  });
});

describe('gathering events into messages', () => {
  const event = (seq: number, discriminators: string[], integrationId = 'i1') => ({
    seq, clientTokenHash: 'c', integrationId, enterpriseId: 'e', discriminators, entityId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  });

  it('puts at most 500 events in a message and never splits a new customer\'s pair', () => {
    const events = Array.from({ length: 300 }, (_, i) => event(i, ['CustomerAdded', 'CustomerUpdated']));
    const messages = gatherGeneralMessages([...events, event(300, ['CustomerUpdated'], 'i2')]);
    const bodies = messages.map((m) => JSON.parse(m.payload));
    expect(bodies.map((b) => b.Events.length)).toEqual([500, 100, 1]);
    expect(bodies[0].Events[499]).toEqual({ Discriminator: 'CustomerUpdated', Value: { Id: events[249]!.entityId } });
    expect(bodies[1].Events[0]).toEqual({ Discriminator: 'CustomerAdded', Value: { Id: events[250]!.entityId } });
    expect(bodies[2].IntegrationId).toBe('i2');
    const odd = gatherGeneralMessages([event(0, ['CustomerUpdated']), ...events.slice(1, 251)]);
    expect(odd.map((m) => JSON.parse(m.payload).Events.length)).toEqual([499, 2]);
  });
});
