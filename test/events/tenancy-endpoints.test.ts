// Webhook endpoints and IntegrationIds in the tenancy file (docs/behaviour.md): a client's URLs and a
// token's IntegrationId are taken from the file; a URL that is not absolute http(s) or is too long is
// refused at start naming the entry, with nothing applied; seeds themselves emit no events.
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { startReceiver } from '../helpers/receiver.ts';

const chainId = 'b1b2c3d4-0000-4000-8000-00000000c001';
const enterpriseId = 'b1b2c3d4-0000-4000-8000-00000000e001';
const integrationId = 'b1b2c3d4-0000-4000-8000-0000000001d1';
const tokens = { ClientToken: 'EVENTS-SEED-CLIENT', AccessToken: 'EVENTS-SEED-ACCESS', Client: 'seed events tests' };

const seed = (url: string) => ({
  Chains: [{ Id: chainId, Name: 'Events Chain' }],
  Enterprises: [{ Id: enterpriseId, ChainId: chainId, Name: 'Events Hotel' }],
  Clients: [{ Name: 'Events Client', ClientToken: tokens.ClientToken, GeneralWebhookUrl: url }],
  AccessTokens: [{ AccessToken: tokens.AccessToken, ClientToken: tokens.ClientToken, EnterpriseIds: [enterpriseId], IntegrationId: integrationId }],
  Customers: [{ Id: 'b1b2c3d4-0000-4000-8000-0000000c0001', ChainId: chainId, LastName: 'Seeded' }],
});

describe.each(dialects)('webhook endpoints in the tenancy file ($name)', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('sends to the file\'s URL with the file\'s IntegrationId; the seed itself sends nothing', async () => {
    const receiver = await startReceiver();
    try {
      t = await startTestApp(dialect, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30' }, { extraSeeds: [seed(`${receiver.url}/seeded?key=k`)] });
      const added = await t.call('customers/add', { ...tokens, LastName: 'Fresh', OverwriteExisting: false });
      expect(added.status).toBe(200);
      const [request] = await receiver.waitFor(1);
      expect(request!.body).toEqual({
        EnterpriseId: enterpriseId, IntegrationId: integrationId,
        Events: [{ Discriminator: 'CustomerAdded', Value: { Id: added.body.Id } }, { Discriminator: 'CustomerUpdated', Value: { Id: added.body.Id } }],
      });
      expect(request!.search).toBe('?key=k');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('keeps a regenerated key and a deleted integration as they are when the file is applied again', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const env = { CONTROL_API: 'on', DATABASE_URL: databaseUrl };
    const file = seed('https://integration.example.com/hook');
    const second = { AccessToken: 'EVENTS-SEED-ACCESS-2', ClientToken: tokens.ClientToken, EnterpriseIds: [enterpriseId] };
    file.AccessTokens.push(second as (typeof file.AccessTokens)[number]);
    t = await startTestApp(dialect, env, { extraSeeds: [file] });
    const rekeyed = await t.app.inject({ method: 'POST', url: `/_connector/integrations/${integrationId}/regenerate-key` });
    expect(rekeyed.statusCode).toBe(200);
    const newToken = rekeyed.json().AccessToken;
    const listed = (await t.app.inject({ method: 'GET', url: '/_connector/integrations' })).json().Integrations;
    const secondId = listed.find((i: any) => i.AccessToken === 'EVEN…SS-2').IntegrationId;
    expect((await t.app.inject({ method: 'DELETE', url: `/_connector/integrations/${secondId}` })).statusCode).toBe(200);
    await t.close();

    t = await startTestApp(dialect, env, { extraSeeds: [file] });
    expect((await t.call('configuration/get', tokens)).status).toBe(401);
    expect((await t.call('configuration/get', { ...tokens, AccessToken: newToken })).status).toBe(200);
    expect((await t.call('configuration/get', { ...tokens, AccessToken: second.AccessToken })).status).toBe(401);
  });

  it('resets and snapshot loads write customers without sending events', async () => {
    const receiver = await startReceiver();
    try {
      t = await startTestApp(dialect, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30' }, { extraSeeds: [seed(`${receiver.url}/seeded`)] });
      const added = await t.call('customers/add', { ...tokens, LastName: 'Before snapshot', OverwriteExisting: false });
      await receiver.waitFor(1);
      const snapshot = await t.app.inject({ method: 'GET', url: `/_connector/snapshot?ChainId=${chainId}` });
      expect(snapshot.statusCode).toBe(200);
      expect(snapshot.body).toContain(added.body.Id);
      const reset = await t.app.inject({ method: 'POST', url: '/_connector/reset', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ChainId: chainId }) });
      expect(reset.statusCode).toBe(200);
      const loaded = await t.app.inject({ method: 'POST', url: '/_connector/snapshot', headers: { 'content-type': 'application/json' }, payload: snapshot.body });
      expect(loaded.statusCode).toBe(200);
      const back = await t.call('customers/getAll', { ...tokens, CustomerIds: [added.body.Id], Extent: { Customers: true }, Limitation: { Count: 1 } });
      expect(back.body.Customers).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('refuses two tokens with one IntegrationId at start, naming the entry', async () => {
    const file = seed('https://integration.example.com/hook');
    file.AccessTokens.push({ AccessToken: 'EVENTS-SEED-ACCESS-TWIN', ClientToken: tokens.ClientToken, EnterpriseIds: [enterpriseId], IntegrationId: integrationId.toUpperCase() });
    await expect(startTestApp(dialect, {}, { extraSeeds: [file] })).rejects.toThrow('seed 0: AccessTokens[1].IntegrationId is the IntegrationId of AccessTokens[0]');
  });

  it.each([
    ['an ftp URL', 'ftp://example.com/hook', 'must be an absolute http or https URL'],
    ['a relative URL', 'hooks/relative', 'must be an absolute http or https URL'],
    ['a URL over 2000 characters', `https://example.com/${'x'.repeat(2000)}`, 'must be at most 2000 characters'],
  ])('refuses %s at start, naming the entry', async (_label, url, reason) => {
    await expect(startTestApp(dialect, {}, { extraSeeds: [seed(url)] })).rejects.toThrow(`seed 0: Clients[0].GeneralWebhookUrl ${reason}`);
  });
});
