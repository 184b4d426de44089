// Vitest: one server for the file, every test from the demo tenancy as seeded.
// (Run in this repository as part of `npm test`.)
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { demoCredentials, startServer, type RunningServer } from 'loyalty-connector';
import { createClient, ConnectorApiError, type LoyaltyConnectorClient } from 'loyalty-connector/client';

let server: RunningServer;
let api: LoyaltyConnectorClient;

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

it('adds a loyalty program and lists it', async () => {
  const { LoyaltyPrograms: [program] } = await api.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Club', Code: 'CLUB' }] });
  const page = await api.loyaltyPrograms.getAll({ LoyaltyProgramIds: [program!.Id], Limitation: { Count: 10 } });
  expect(page.LoyaltyPrograms.map((p) => p.Code)).toEqual(['CLUB']);
});

it('starts from the seed again after reset()', async () => {
  const page = await api.loyaltyPrograms.getAll({ Codes: ['CLUB'], Limitation: { Count: 10 } });
  expect(page.LoyaltyPrograms).toEqual([]);
});

it('goes back to a saved state with snapshot() and load()', async () => {
  await api.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Kept', Code: 'KEPT' }] });
  const saved = await server.snapshot();
  await api.loyaltyPrograms.add({ LoyaltyPrograms: [{ Name: 'Dropped', Code: 'DROPPED' }] });
  await server.load(saved);
  const page = await api.loyaltyPrograms.getAll({ Codes: ['KEPT', 'DROPPED'], Limitation: { Count: 10 } });
  expect(page.LoyaltyPrograms.map((p) => p.Code)).toEqual(['KEPT']);
});

it('answers errors as the API does', async () => {
  const error = await api.loyaltyPrograms.delete({ LoyaltyProgramIds: ['00000000-0000-4000-8000-000000000000'] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectorApiError);
  expect((error as ConnectorApiError).status).toBe(400);
});
