// The demo loyalty records of the built-in demo tenancy: written into a chain that has no loyalty
// program (a fresh database, a reset), never over data someone made or deleted, and not at all with
// DEMO_DATA=off.
import { afterEach, describe, expect, it } from 'vitest';
import { demoCredentials, startServer, type RunningServer } from '../../src/index.ts';
import { demoIds } from '../../src/contract/examples.ts';
import { dialects } from '../helpers/app.ts';

const running: RunningServer[] = [];
afterEach(async () => { await Promise.all(running.splice(0).map((server) => server.stop())); });

async function start(databaseUrl: string, settings: Record<string, string> = {}) {
  const server = await startServer({ databaseUrl, logLevel: 'silent', rateLimit: 'off', settings });
  running.push(server);
  return server;
}

async function call(server: RunningServer, operation: string, body: object) {
  const response = await fetch(`${server.url}/api/connector/v1/${operation}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...demoCredentials, ...body }),
  });
  return { status: response.status, body: await response.json() as any };
}

const codes = async (server: RunningServer, states = ['Active', 'Deleted']) =>
  (await call(server, 'loyaltyPrograms/getAll', { ActivityStates: states, Limitation: { Count: 100 } })).body.LoyaltyPrograms.map((p: { Code: string }) => p.Code).sort();

describe.each(dialects)('the demo loyalty records ($name)', (dialect) => {
  it('are in a fresh demo database: programs, tiers and a membership with the published ids', async () => {
    const server = await start(await dialect.databaseUrl());
    expect(await codes(server)).toEqual(['GEC07', 'PC01']);
    const tiers = await call(server, 'loyaltyTiers/getAll', { LoyaltyProgramIds: [demoIds.platinumClub], Limitation: { Count: 10 } });
    expect(tiers.body.LoyaltyTiers.map((t: { Id: string }) => t.Id).sort()).toEqual([demoIds.silverTier, demoIds.platinumTier].sort());
    const memberships = await call(server, 'loyaltyMemberships/getAll', { LoyaltyProgramIds: [demoIds.platinumClub], Limitation: { Count: 10 } });
    expect(memberships.body.LoyaltyMemberships).toMatchObject([{ Id: demoIds.johnsMembership, AccountId: demoIds.customerJohn, LoyaltyTierId: demoIds.platinumTier, State: 'Enrolled', IsPrimary: true, Points: 22 }]);
  });

  it('are not written again over what someone deleted, on a restart', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const first = await start(databaseUrl);
    expect((await call(first, 'loyaltyPrograms/delete', { LoyaltyProgramIds: [demoIds.goldExclusiveClub] })).status).toBe(200);
    await first.stop();
    const second = await start(databaseUrl);
    expect(await codes(second, ['Active'])).toEqual(['PC01']);
    expect(await codes(second, ['Deleted'])).toEqual(['GEC07']);
    await second.reset();
    expect(await codes(second, ['Active', 'Deleted'])).toEqual(['GEC07', 'PC01']);
  });

  it('are left out with DEMO_DATA=off, also by a reset', async () => {
    const server = await start(await dialect.databaseUrl(), { DEMO_DATA: 'off' });
    expect(await codes(server)).toEqual([]);
    await server.reset();
    expect(await codes(server)).toEqual([]);
  });
});
