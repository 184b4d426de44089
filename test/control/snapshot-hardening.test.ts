// Snapshots that cross chains, that are too big, or that arrive without the admin token; the
// database's own composite keys; a file saved by the previous version; parsing off the event loop.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { readSnapshot, Snapshot } from '../../src/control/snapshots.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/expect.ts';
import { gross, grossChainId, net, netChainId } from '../helpers/tenancy.ts';

async function control(t: TestApp, method: 'GET' | 'POST', url: string, body?: unknown) {
  const answer = await t.app.inject({
    method, url: `/_connector${url}`,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: answer.statusCode, body: answer.body ? JSON.parse(answer.body) : undefined, headers: answer.headers };
}

const fixture = async () => JSON.parse(await readFile(new URL('../fixtures/snapshot-version-1.json', import.meta.url), 'utf8'));

describe.each(dialects)('snapshot references ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { CONTROL_API: 'on' }); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { expect((await control(t, 'POST', '/reset', {})).status).toBe(200); });

  async function twoChains() {
    const grossProgram = (await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Gross club', Code: 'G' }] })).body.LoyaltyPrograms[0];
    const grossTier = (await t.call('loyaltyTiers/add', { ...gross, LoyaltyTiers: [{ LoyaltyProgramId: grossProgram.Id, Name: 'Gold', Code: 'GOLD', Ordering: 1 }] })).body.LoyaltyTiers[0];
    const netProgram = (await t.call('loyaltyPrograms/add', { ...net, LoyaltyPrograms: [{ Name: 'Net club', Code: 'N' }] })).body.LoyaltyPrograms[0];
    const netTier = (await t.call('loyaltyTiers/add', { ...net, LoyaltyTiers: [{ LoyaltyProgramId: netProgram.Id, Name: 'Silver', Code: 'SILVER', Ordering: 1 }] })).body.LoyaltyTiers[0];
    const netCustomer = (await t.call('customers/add', { ...net, LastName: 'Net member', OverwriteExisting: false })).body;
    const membership = await t.call('loyaltyMemberships/add', {
      ...net, LoyaltyMemberships: [{ AccountId: netCustomer.Id, LoyaltyProgramId: netProgram.Id, LoyaltyTierId: netTier.Id, IsPrimary: true }],
    });
    expect(membership.status).toBe(200);
    const saved = await control(t, 'GET', '/snapshot');
    expect(saved.status).toBe(200);
    return { grossProgram, grossTier, netProgram, saved: saved.body };
  }

  it('refuses a tier or membership pointing into another chain, naming the entry, and changes nothing', async () => {
    const { grossProgram, grossTier, saved } = await twoChains();
    const tierIndex = saved.LoyaltyTiers.findIndex((tier: any) => tier.ChainId === netChainId);
    const membershipIndex = saved.LoyaltyMemberships.findIndex((m: any) => m.ChainId === netChainId);
    const grossCustomer = saved.Customers.find((c: any) => c.ChainId === grossChainId);

    const crossingTier = structuredClone(saved);
    crossingTier.LoyaltyTiers[tierIndex].LoyaltyProgramId = grossProgram.Id;
    expectError(await control(t, 'POST', '/snapshot', crossingTier), 400, new RegExp(`snapshot LoyaltyTiers\\[${tierIndex}\\]\\.LoyaltyProgramId: a loyalty program of another chain`));

    const crossingProgram = structuredClone(saved);
    crossingProgram.LoyaltyMemberships[membershipIndex].LoyaltyProgramId = grossProgram.Id;
    crossingProgram.LoyaltyMemberships[membershipIndex].LoyaltyTierId = null;
    expectError(await control(t, 'POST', '/snapshot', crossingProgram), 400, new RegExp(`LoyaltyMemberships\\[${membershipIndex}\\]\\.LoyaltyProgramId: a loyalty program of another chain`));

    const crossingTierOfMembership = structuredClone(saved);
    crossingTierOfMembership.LoyaltyMemberships[membershipIndex].LoyaltyTierId = grossTier.Id;
    expectError(await control(t, 'POST', '/snapshot', crossingTierOfMembership), 400, /LoyaltyTierId: a loyalty tier of another chain/);

    const crossingAccount = structuredClone(saved);
    crossingAccount.LoyaltyMemberships[membershipIndex].AccountId = grossCustomer.Id;
    expectError(await control(t, 'POST', '/snapshot', crossingAccount), 400, /AccountId: a customer or company of another chain/);

    // The gross token still owns its program: enrol and delete work.
    const customer = (await t.call('customers/add', { ...gross, LastName: 'Still mine', OverwriteExisting: false })).body;
    expect((await t.call('loyaltyMemberships/add', { ...gross, LoyaltyMemberships: [{ AccountId: customer.Id, LoyaltyProgramId: grossProgram.Id, IsPrimary: true }] })).status).toBe(200);
    const after = await control(t, 'GET', '/snapshot');
    expect(after.body.LoyaltyTiers).toEqual(saved.LoyaltyTiers);
  });

  it('has the database refuse a tier or membership of another chain (composite keys)', async () => {
    const { grossProgram, grossTier, netProgram } = await twoChains();
    const stamp = new Date().toISOString();
    const tier = { id: '11111111-1111-4111-8111-111111111111', chain_id: netChainId, loyalty_program_id: grossProgram.Id, name: 'x', code: 'X', ordering: 1, activity_state: 'Active', created_utc: stamp, updated_utc: stamp };
    await expect(t.store.db.insertInto('loyalty_tiers').values(tier).execute()).rejects.toThrow(/foreign key/i);
    const membership = {
      id: '22222222-2222-4222-8222-222222222222', chain_id: netChainId, account_id: '33333333-3333-4333-8333-333333333333', loyalty_program_id: netProgram.Id,
      loyalty_tier_id: grossTier.Id, state: 'New', is_primary: 0, membership_number: null, provider_membership_id: null, points: null,
      expiration_date: null, url: null, activity_state: 'Active', created_utc: stamp, updated_utc: stamp,
    };
    await expect(t.store.db.insertInto('loyalty_memberships').values(membership).execute()).rejects.toThrow(/foreign key/i);
    await expect(t.store.db.insertInto('loyalty_memberships').values({ ...membership, loyalty_tier_id: null, loyalty_program_id: grossProgram.Id }).execute()).rejects.toThrow(/foreign key/i);
    await expect(t.store.db.insertInto('loyalty_memberships').values({ ...membership, loyalty_tier_id: null }).execute()).resolves.toBeDefined();
  });

  it('loads a snapshot saved by the previous version (test/fixtures/snapshot-version-1.json) and saves it back unchanged', async () => {
    const file = await fixture();
    expect(file.Version).toBe(1);
    const loaded = await control(t, 'POST', '/snapshot', file);
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    expect(loaded.body).toEqual({ ChainIds: [grossChainId], Records: 14 });
    const again = await control(t, 'GET', `/snapshot?ChainId=${grossChainId}`);
    expect({ ...again.body, CreatedUtc: null }).toEqual({ ...file, CreatedUtc: null });
    const memberships = await t.call('loyaltyMemberships/getAll', { ...gross, MembershipNumbers: ['FIX-1'], Limitation: { Count: 10 } });
    expect(memberships.body.LoyaltyMemberships).toMatchObject([{ IsPrimary: true, Points: 7, State: 'Enrolled' }]);
    const newer = { ...file, Version: 2 };
    expectError(await control(t, 'POST', '/snapshot', newer), 400, /snapshot Version/);
  });
});

describe.each(dialects)('snapshot size and parsing ($name)', (dialect) => {
  it('refuses a snapshot over SNAPSHOT_BODY_LIMIT with 413, and defaults to 64 MB', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on', SNAPSHOT_BODY_LIMIT: '1mb' });
    try {
      expect(t.settings.snapshotBodyLimitBytes).toBe(1024 * 1024);
      const file = await fixture();
      const big = { ...file, Padding: 'p'.repeat(1024 * 1024) };
      expectError(await control(t, 'POST', '/snapshot', big), 413);
      expect((await control(t, 'POST', '/snapshot', file)).status).toBe(200);
    } finally {
      await t.close();
    }
    const { loadSettings } = await import('../../src/settings.ts');
    expect(loadSettings({}).snapshotBodyLimitBytes).toBe(64 * 1024 * 1024);
  });

  it('keeps answering other requests while a large snapshot is parsed', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on' });
    try {
      const file = await fixture();
      // About 25 MB: 100,000 valid customers, then one that is not; written as text, so the test
      // itself holds no large object graph for the collector to walk while it measures.
      const customer = JSON.stringify(file.Customers[0]);
      const records = Array.from({ length: 100_000 }, (_, i) => customer
        .replace(/"Id":"[^"]+"/, `"Id":"00000000-0000-4000-8000-${String(i).padStart(12, '0')}"`)
        .replace(/"LastName":"[^"]+"/, `"LastName":"Customer ${i} ${'x'.repeat(120)}"`));
      records.push(customer.replace(/"LastName":"[^"]+"/, '"LastName":42'));
      const body = JSON.stringify({ ...file, Customers: [] }).replace('"Customers":[]', `"Customers":[${records.join(',')}]`);
      records.length = 0;
      // Through HTTP: refused, naming the record.
      expectError(await control(t, 'POST', '/snapshot', body), 400, /snapshot Customers\[100000\]\.LastName/);
      // The reader alone, timed against the event loop (the HTTP client of the test shares this loop).
      const bytes = Buffer.from(body);
      let longestStallMs = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        longestStallMs = Math.max(longestStallMs, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      await expect(readSnapshot(bytes)).rejects.toThrow(/Customers\[100000\]\.LastName/);
      const tookMs = performance.now() - started;
      clearInterval(ticker);
      // The former way, in one turn: parse and check the whole file on this thread.
      const formerStarted = performance.now();
      expect(Value.Check(Snapshot, JSON.parse(body))).toBe(false);
      const formerMs = performance.now() - formerStarted;
      console.log(`snapshot of ${(body.length / 1e6).toFixed(1)} MB refused in ${tookMs.toFixed(0)} ms; longest stall ${longestStallMs.toFixed(0)} ms; parsed and checked in one turn: ${formerMs.toFixed(0)} ms`);
      expect(longestStallMs).toBeLessThan(formerMs / 3);
    } finally {
      await t.close();
    }
  });
});

describe.each(dialects)('snapshot bodies and the admin token ($name)', (dialect) => {
  it('answers 401 without reading the body when the admin token is missing', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on', ADMIN_TOKEN: 'snapshot-admin-secret' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest({
          host: '127.0.0.1', port, method: 'POST', path: '/_connector/snapshot',
          headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
        }, (response) => {
          let text = '';
          response.on('data', (chunk) => { text += chunk; }).on('end', () => {
            request.destroy();
            resolve({ status: response.statusCode!, body: text });
          });
        });
        request.on('error', reject);
        // Only 64 KB of the announced 50 MB: the answer must come without the rest.
        request.write(Buffer.alloc(64 * 1024, 0x20));
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).Message).toMatch(/admin token/);
    } finally {
      await t.close();
    }
  });
});
