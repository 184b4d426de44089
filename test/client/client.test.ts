// The typed client against a real server on a real port: the whole loyalty workflow, every answer
// validated against the OpenAPI document, cursor pages, typed errors, and its retries.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorApiError, createClient, type LoyaltyConnectorClient } from '../../src/client/index.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { responseErrors } from '../helpers/openapi.ts';
import { gross, grossChainId } from '../helpers/tenancy.ts';

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** A client whose every answer is checked against the OpenAPI document on the way. */
function validatingClient(baseUrl: string, extra: Partial<Parameters<typeof createClient>[0]> = {}): LoyaltyConnectorClient {
  return createClient({
    baseUrl, clientToken: gross.ClientToken, accessToken: gross.AccessToken, client: 'client tests 1.0',
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const operation = String(input).split('/api/connector/v1/')[1]!;
      const text = await response.clone().text();
      const errors = responseErrors(operation, response.status, text ? JSON.parse(text) : undefined);
      if (errors.length) throw new Error(`${operation} ${response.status} does not match the document: ${errors.join('; ')}`);
      return response;
    },
    ...extra,
  });
}

describe.each(dialects)('the typed client ($name)', (dialect) => {
  let t: TestApp;
  let baseUrl: string;
  let client: LoyaltyConnectorClient;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    baseUrl = await listen(t);
    client = validatingClient(baseUrl);
  });
  afterAll(async () => { await t.close(); });

  it('drives the whole loyalty workflow', async () => {
    const configuration = await client.configuration.get({});
    expect(configuration.Enterprise.ChainId).toBe(grossChainId);

    const { LoyaltyPrograms: [program] } = await client.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Client Club', Code: 'CLIENT' }] });
    const { LoyaltyTiers: [gold, silver] } = await client.loyaltyTiers.add({
      LoyaltyTiers: [
        { LoyaltyProgramId: program!.Id, Name: 'Gold', Code: 'GOLD', Ordering: 1 },
        { LoyaltyProgramId: program!.Id, Name: 'Silver', Code: 'SILVER', Ordering: 2 },
      ],
    });
    const customer = await client.customers.add({ LastName: 'Client', FirstName: 'Typed', Email: 'typed.client@example.com', OverwriteExisting: false });
    const found = await client.customers.getAll({ Emails: ['typed.client@example.com'], Extent: { Customers: true }, Limitation: { Count: 1 } });
    expect(found.Customers[0]!.Id).toBe(customer.Id);
    const { Companies: [company] } = await client.companies.add({ Name: 'Client Corp', Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } });

    const added = await client.loyaltyMemberships.add({
      LoyaltyMemberships: [
        { AccountId: customer.Id, LoyaltyProgramId: program!.Id, IsPrimary: true, MembershipNumber: 'C-1', Points: 10, LoyaltyTierId: gold!.Id },
        { AccountId: company!.Id, LoyaltyProgramId: program!.Id, IsPrimary: false, State: 'Pending' },
      ],
    });
    expect(added.LoyaltyMemberships.map((m) => m.State)).toEqual(['Enrolled', 'Pending']);
    const membership = added.LoyaltyMemberships[0]!;
    const updated = await client.loyaltyMemberships.update({
      LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: membership.Id, Points: { Value: 99 }, LoyaltyTierId: { Value: silver!.Id }, Url: { Value: null } }],
    });
    expect(updated.LoyaltyMemberships[0]).toMatchObject({ Points: 99, LoyaltyTierId: silver!.Id, Url: null, Code: 'C-1', MembershipNumber: 'C-1' });
    const listed = await client.loyaltyMemberships.getAll({ LoyaltyProgramIds: [program!.Id], Limitation: { Count: 10 } });
    expect(listed.LoyaltyMemberships).toHaveLength(2);
    await client.loyaltyTiers.update({ LoyaltyTierUpdates: [{ LoyaltyTierId: gold!.Id, Ordering: { Value: 0 } }] });
    expect((await client.loyaltyTiers.getAll({ LoyaltyProgramIds: [program!.Id], Limitation: { Count: 10 } })).LoyaltyTiers).toHaveLength(2);
    await client.loyaltyPrograms.update({ LoyaltyProgramUpdates: [{ LoyaltyProgramId: program!.Id, Name: { Value: 'Client Club Extra' } }] });
    expect((await client.companies.getAll({ Ids: [company!.Id], Limitation: { Count: 1 } })).Companies[0]!.Name).toBe('Client Corp');

    await client.loyaltyMemberships.delete({ LoyaltyMembershipIds: added.LoyaltyMemberships.map((m) => m.Id) });
    await client.loyaltyTiers.delete({ LoyaltyTierIds: [gold!.Id] });
    await client.loyaltyPrograms.delete({ LoyaltyProgramIds: [program!.Id] });
    const deleted = await client.loyaltyPrograms.getAll({ LoyaltyProgramIds: [program!.Id], ActivityStates: ['Deleted'], Limitation: { Count: 1 } });
    expect(deleted.LoyaltyPrograms[0]!.Name).toBe('Client Club Extra');
  });

  it('walks getAll pages by cursor with an async iterator', async () => {
    await client.loyaltyPrograms.add({ LoyaltyPrograms: Array.from({ length: 23 }, (_, i) => ({ Name: `Paged ${i}`, Code: `PAGED-${i}` })) });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.pages('loyaltyPrograms/getAll', { Codes: Array.from({ length: 23 }, (_, i) => `PAGED-${i}`), Limitation: { Count: 5 } })) {
      pages++;
      seen.push(...page.LoyaltyPrograms.map((p) => p.Code));
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `PAGED-${22 - i}`));
  });

  it('throws a typed error carrying the status, Message and RequestId', async () => {
    const error = await client.loyaltyPrograms.update({ LoyaltyProgramUpdates: [{ LoyaltyProgramId: '00000000-0000-4000-8000-000000000000', Name: { Value: 'x' } }] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorApiError);
    const apiError = error as ConnectorApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toMatch(/Invalid LoyaltyProgramId/);
    expect(apiError.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(apiError.attempts).toBe(1);
  });
});

describe.each(dialects)('client retries ($name)', (dialect) => {
  it('waits Retry-After on 429 and then succeeds', async () => {
    const t = await startTestApp(dialect, { RATE_LIMIT: '2/1s' });
    try {
      const waits: number[] = [];
      const client = validatingClient(await listen(t), {
        sleep: async (ms) => { waits.push(ms); await new Promise((r) => setTimeout(r, ms)); },
      });
      for (let i = 0; i < 3; i++) await client.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBe(1000);
    } finally {
      await t.close();
    }
  });

  it('gives up after its bounded attempts with the last 429', async () => {
    const t = await startTestApp(dialect, { RATE_LIMIT: '1/30s' });
    try {
      const waits: number[] = [];
      const client = validatingClient(await listen(t), { retry: { attempts: 3 }, sleep: async (ms) => { waits.push(ms); } });
      await client.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });
      const error = await client.loyaltyPrograms.getAll({ Limitation: { Count: 1 } }).then(() => undefined, (e: unknown) => e) as ConnectorApiError;
      expect(error.status).toBe(429);
      expect(error.attempts).toBe(3);
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
      expect(waits).toHaveLength(2);
    } finally {
      await t.close();
    }
  });

  it('retries 5xx with exponential backoff for getAll, and never for a write', async () => {
    const t = await startTestApp(dialect);
    try {
      const baseUrl = await listen(t);
      let failuresLeft = 0;
      const flaky: typeof fetch = async (input, init) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          return new Response(JSON.stringify({ Message: 'Service unavailable.', RequestId: 'proxy' }), { status: 503, headers: { 'content-type': 'application/json' } });
        }
        return fetch(input, init);
      };
      const waits: number[] = [];
      const client = createClient({
        baseUrl, clientToken: gross.ClientToken, accessToken: gross.AccessToken, client: 'retry tests',
        fetch: flaky, retry: { attempts: 4, baseDelayMs: 100 }, sleep: async (ms) => { waits.push(ms); },
      });
      failuresLeft = 2;
      const page = await client.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });
      expect(page.LoyaltyPrograms).toBeDefined();
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBeLessThanOrEqual(100);
      expect(waits[1]).toBeLessThanOrEqual(200);

      failuresLeft = 1;
      const error = await client.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Once', Code: 'ONCE' }] }).then(() => undefined, (e: unknown) => e) as ConnectorApiError;
      expect(error.status).toBe(503);
      expect(error.attempts).toBe(1);
      const listed = await client.loyaltyPrograms.getAll({ Codes: ['ONCE'], Limitation: { Count: 1 } });
      expect(listed.LoyaltyPrograms).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});
