// The console's operations: the API's program, tier and membership writes run for one chain through
// the control plane, answering and refusing exactly as the API does; companies listed per chain; the
// journal tells each call's chains; all of it in the OpenAPI document under the tag control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { gross, grossChainId, net, netChainId } from '../helpers/tenancy.ts';

describe.each(dialects)('console operations ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { CONTROL_API: 'on' });
  });
  afterAll(async () => {
    await t.close();
  });

  const send = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({
    method, url, headers: { host: '127.0.0.1' }, ...(payload === undefined ? {} : { payload: payload as object }),
  });

  it('adds, updates and deletes a program, a tier and a membership in a chain, as the API does', async () => {
    const program = await send('POST', `/_connector/chains/${grossChainId}/loyaltyPrograms/add`, { LoyaltyPrograms: [{ Name: 'Desk Club', Code: 'DESK' }] });
    expect(program.statusCode).toBe(200);
    const [added] = program.json().LoyaltyPrograms;
    expect(added).toMatchObject({ Name: 'Desk Club', Code: 'DESK', ChainId: grossChainId });
    // The API sees it: same records, same chain.
    const seen = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [added.Id], Limitation: { Count: 10 } });
    expect(seen.body.LoyaltyPrograms).toEqual([added]);

    const tier = await send('POST', `/_connector/chains/${grossChainId}/loyaltyTiers/add`, { LoyaltyTiers: [{ LoyaltyProgramId: added.Id, Name: 'Gold', Code: 'GOLD', Ordering: 1 }] });
    expect(tier.statusCode).toBe(200);
    const customer = await t.call('customers/add', { ...gross, LastName: 'Ledger', FirstName: 'Ada', OverwriteExisting: false });
    const membership = await send('POST', `/_connector/chains/${grossChainId}/loyaltyMemberships/add`, {
      LoyaltyMemberships: [{ AccountId: customer.body.Id, LoyaltyProgramId: added.Id, LoyaltyTierId: tier.json().LoyaltyTiers[0].Id, IsPrimary: true, MembershipNumber: 'DESK-1', Points: 5 }],
    });
    expect(membership.statusCode).toBe(200);
    const membershipId = membership.json().LoyaltyMemberships[0].Id;
    const updated = await send('POST', `/_connector/chains/${grossChainId}/loyaltyMemberships/update`, { LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: membershipId, Points: { Value: 9 } }] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().LoyaltyMemberships[0]).toMatchObject({ Id: membershipId, Points: 9 });
    const deleted = await send('POST', `/_connector/chains/${grossChainId}/loyaltyMemberships/delete`, { LoyaltyMembershipIds: [membershipId] });
    expect(deleted.statusCode).toBe(200);
    const after = await t.call('loyaltyMemberships/getAll', { ...gross, LoyaltyMembershipIds: [membershipId], Limitation: { Count: 10 } });
    expect(after.body.LoyaltyMemberships).toEqual([]);
  });

  it('refuses with the API’s own answer: a taken code, a bad field, a program of another chain, an unknown chain', async () => {
    await send('POST', `/_connector/chains/${grossChainId}/loyaltyPrograms/add`, { LoyaltyPrograms: [{ Name: 'Twice', Code: 'TWICE' }] });
    const again = await send('POST', `/_connector/chains/${grossChainId}/loyaltyPrograms/add`, { LoyaltyPrograms: [{ Name: 'Twice', Code: 'TWICE' }] });
    const api = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Twice', Code: 'TWICE' }] });
    expect(again.statusCode).toBe(api.status);
    expect(again.statusCode).toBeGreaterThanOrEqual(400);
    expect(again.json().Message).toBe(api.body.Message);

    const bad = await send('POST', `/_connector/chains/${grossChainId}/loyaltyTiers/add`, { LoyaltyTiers: [{ LoyaltyProgramId: 'not-an-id', Name: 'X', Code: 'X', Ordering: 1 }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('LoyaltyProgramId');

    const netProgram = await t.call('loyaltyPrograms/add', { ...net, LoyaltyPrograms: [{ Name: 'Net Club', Code: 'NETCLUB' }] });
    const elsewhere = await send('POST', `/_connector/chains/${grossChainId}/loyaltyTiers/add`, {
      LoyaltyTiers: [{ LoyaltyProgramId: netProgram.body.LoyaltyPrograms[0].Id, Name: 'X', Code: 'X', Ordering: 1 }],
    });
    expect(elsewhere.statusCode).toBeGreaterThanOrEqual(400);
    expect(elsewhere.statusCode).toBeLessThan(500);

    const unknown = await send('POST', '/_connector/chains/00000000-0000-4000-8000-000000000000/loyaltyPrograms/add', { LoyaltyPrograms: [{ Name: 'N', Code: 'N' }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().Message).toContain('ChainId');
  });

  it('writes nothing when one item of a batch is refused', async () => {
    const program = (await send('POST', `/_connector/chains/${grossChainId}/loyaltyPrograms/add`, { LoyaltyPrograms: [{ Name: 'Batch Club', Code: 'BATCH' }] })).json().LoyaltyPrograms[0];
    const customer = await t.call('customers/add', { ...gross, LastName: 'Batch', OverwriteExisting: false });
    const refused = await send('POST', `/_connector/chains/${grossChainId}/loyaltyMemberships/add`, {
      LoyaltyMemberships: [
        { AccountId: customer.body.Id, LoyaltyProgramId: program.Id, IsPrimary: true, MembershipNumber: 'BATCH-1' },
        { AccountId: customer.body.Id, LoyaltyProgramId: '00000000-0000-4000-8000-000000000000', IsPrimary: false, MembershipNumber: 'BATCH-2' },
      ],
    });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    const stored = await t.call('loyaltyMemberships/getAll', { ...gross, LoyaltyProgramIds: [program.Id], Limitation: { Count: 10 } });
    expect(stored.body.LoyaltyMemberships).toEqual([]);
  });

  it('lists a chain’s companies and only that chain’s', async () => {
    const company = await t.call('companies/add', { ...gross, Name: 'Ledger & Sons', Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } });
    expect(company.status).toBe(200);
    const ofGross = await send('GET', `/_connector/chains/${grossChainId}/companies?Count=1000`);
    expect(ofGross.statusCode).toBe(200);
    expect(ofGross.json().Items.map((c: { Name: string }) => c.Name)).toContain('Ledger & Sons');
    const ofNet = await send('GET', `/_connector/chains/${netChainId}/companies?Count=1000`);
    expect(ofNet.json().Items.map((c: { Name: string }) => c.Name)).not.toContain('Ledger & Sons');
  });

  it('tells the chains of each journal entry', async () => {
    const call = await t.call('configuration/get', net);
    const { Entries } = (await send('GET', '/_connector/journal?Limit=50')).json();
    expect(Entries.find((entry: { Id: string }) => entry.Id === call.headers['request-id']).ChainIds).toEqual([netChainId]);
  });

  it('documents the console operations under the tag control', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const operation of ['loyaltyPrograms/add', 'loyaltyTiers/update', 'loyaltyMemberships/delete']) {
      expect(document.paths[`/_connector/chains/{ChainId}/${operation}`].post.tags).toEqual(['control']);
    }
    expect(document.paths['/_connector/chains/{ChainId}/companies'].get.tags).toEqual(['control']);
  });
});

describe('console operations behind ADMIN_TOKEN', () => {
  it('answer 401 without the admin token and serve the shared views file to the page', async () => {
    const t = await startTestApp(dialects[0]!, { CONTROL_API: 'on', ADMIN_TOKEN: 'console-admin-secret-0123456789' });
    try {
      const url = `/_connector/chains/${grossChainId}/loyaltyPrograms/add`;
      const payload = { LoyaltyPrograms: [{ Name: 'Guarded', Code: 'GUARDED' }] };
      const refused = await t.app.inject({ method: 'POST', url, payload });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().Message).toContain('admin token');
      const allowed = await t.app.inject({ method: 'POST', url, payload, headers: { authorization: 'Bearer console-admin-secret-0123456789' } });
      expect(allowed.statusCode).toBe(200);
      const views = await t.app.inject({ method: 'GET', url: '/console/views.js' });
      expect(views.statusCode).toBe(200);
      expect(views.headers['content-type']).toContain('text/javascript');
    } finally {
      await t.close();
    }
  });
});
