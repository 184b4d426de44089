// Jest (ESM: run with `node --experimental-vm-modules node_modules/jest/bin/jest.js`, or use
// require('loyalty-connector/client') from CommonJS tests; the server itself is an ES module).
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { demoCredentials, startServer } from 'loyalty-connector';
import { createClient } from 'loyalty-connector/client';

let server;
let api;

beforeAll(async () => {
  server = await startServer(); // :memory:, the demo tenancy, a free port
  api = createClient({
    baseUrl: server.url,
    clientToken: demoCredentials.ClientToken,
    accessToken: demoCredentials.AccessToken,
    client: 'My integration tests 1.0',
  });
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

test('adds a loyalty program and lists it', async () => {
  const { LoyaltyPrograms: [program] } = await api.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Club', Code: 'CLUB' }] });
  const page = await api.loyaltyPrograms.getAll({ LoyaltyProgramIds: [program.Id], Limitation: { Count: 10 } });
  expect(page.LoyaltyPrograms.map((p) => p.Code)).toEqual(['CLUB']);
});

test('starts from the seed again after reset()', async () => {
  const page = await api.loyaltyPrograms.getAll({ Codes: ['CLUB'], Limitation: { Count: 10 } });
  expect(page.LoyaltyPrograms).toEqual([]);
});
