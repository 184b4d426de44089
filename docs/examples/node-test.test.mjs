// node:test (`node --test`): nothing to install but loyalty-connector.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { demoCredentials, startServer } from 'loyalty-connector';
import { createClient } from 'loyalty-connector/client';

let server;
let api;

before(async () => {
  server = await startServer(); // :memory:, the demo tenancy, a free port
  api = createClient({
    baseUrl: server.url,
    clientToken: demoCredentials.ClientToken,
    accessToken: demoCredentials.AccessToken,
    client: 'My integration tests 1.0',
  });
});
after(() => server.stop());
beforeEach(() => server.reset());

test('adds a loyalty program and lists it', async () => {
  const { LoyaltyPrograms: [program] } = await api.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Club', Code: 'CLUB' }] });
  const page = await api.loyaltyPrograms.getAll({ LoyaltyProgramIds: [program.Id], Limitation: { Count: 10 } });
  assert.deepEqual(page.LoyaltyPrograms.map((p) => p.Code), ['CLUB']);
});

test('starts from the seed again after reset()', async () => {
  const page = await api.loyaltyPrograms.getAll({ Codes: ['CLUB'], Limitation: { Count: 10 } });
  assert.deepEqual(page.LoyaltyPrograms, []);
});
