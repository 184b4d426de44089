// The control plane: absent when off, guarded by ADMIN_TOKEN, reset, snapshots (round trip, bad
// files, the command line), fault rules and Prefer: code, and the request journal.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/expect.ts';
import { gross, grossChainId, net, netChainId } from '../helpers/tenancy.ts';

const run = promisify(execFile);

async function control(t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const answer = await t.app.inject({
    method, url: `/_connector${url}`,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: answer.statusCode, body: answer.body ? JSON.parse(answer.body) : undefined, headers: answer.headers };
}

describe.each(dialects)('the control plane switch and admin token ($name)', (dialect) => {
  it('is absent (404) when CONTROL_API is off, and so is the console', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'off' });
    try {
      expectError(await control(t, 'GET', '/chains'), 404);
      expectError(await control(t, 'POST', '/reset', {}), 404);
      expect((await t.app.inject({ method: 'GET', url: '/console' })).statusCode).toBe(404);
      const withPrefer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } }, { prefer: 'code=429' });
      expect(withPrefer.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('needs Authorization: Bearer ADMIN_TOKEN when it is set', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on', ADMIN_TOKEN: 'admin-secret-0001' });
    try {
      expectError(await control(t, 'GET', '/chains'), 401, /admin token/);
      expectError(await control(t, 'GET', '/chains', undefined, { authorization: 'Bearer wrong' }), 401);
      const denied = await control(t, 'POST', '/reset', {}, { authorization: 'admin-secret-0001' });
      expectError(denied, 401);
      expect(JSON.stringify(denied.body)).not.toContain('admin-secret-0001');
      const allowed = await control(t, 'GET', '/chains', undefined, { authorization: 'Bearer admin-secret-0001' });
      expect(allowed.status).toBe(200);
      expect(allowed.body.Chains.map((c: any) => c.Id)).toEqual(expect.arrayContaining([grossChainId, netChainId]));
    } finally {
      await t.close();
    }
  });
});

describe.each(dialects)('reset and snapshots ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { CONTROL_API: 'on' }); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { expect((await control(t, 'POST', '/reset', {})).status).toBe(200); });

  async function enrolSomeone(token: typeof gross, code: string) {
    const program = await t.call('loyaltyPrograms/add', { ...token, LoyaltyPrograms: [{ Name: code, Code: code }] });
    const customer = await t.call('customers/add', { ...token, LastName: `Member ${code}`, OverwriteExisting: false });
    const membership = await t.call('loyaltyMemberships/add', {
      ...token, LoyaltyMemberships: [{ AccountId: customer.body.Id, LoyaltyProgramId: program.body.LoyaltyPrograms[0].Id, IsPrimary: true, Points: 5 }],
    });
    expect(membership.status).toBe(200);
    return { program: program.body.LoyaltyPrograms[0], customer: customer.body, membership: membership.body.LoyaltyMemberships[0] };
  }

  it('resets one chain to its seed and leaves the other chain alone', async () => {
    const grossData = await enrolSomeone(gross, 'RESET-G');
    const netData = await enrolSomeone(net, 'RESET-N');
    const reset = await control(t, 'POST', '/reset', { ChainId: grossChainId });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ ChainIds: [grossChainId] });
    expect((await t.call('loyaltyPrograms/getAll', { ...gross, ActivityStates: ['Active', 'Deleted'], Limitation: { Count: 10 } })).body.LoyaltyPrograms).toEqual([]);
    const grossCustomer = await t.call('customers/getAll', { ...gross, CustomerIds: [grossData.customer.Id], Extent: { Customers: true }, Limitation: { Count: 1 } });
    expect(grossCustomer.body.Customers).toEqual([]);
    const seeded = await t.call('customers/getAll', { ...gross, CustomerIds: ['fadd5bb6-b428-45d5-94f8-fd0d89fece6d'], Extent: { Customers: true }, Limitation: { Count: 1 } });
    expect(seeded.body.Customers).toHaveLength(1);
    const netMemberships = await t.call('loyaltyMemberships/getAll', { ...net, Limitation: { Count: 10 } });
    expect(netMemberships.body.LoyaltyMemberships.map((m: any) => m.Id)).toEqual([netData.membership.Id]);
  });

  it('gives back exactly the saved data after save, change, load', async () => {
    const first = await enrolSomeone(gross, 'SNAP-1');
    await enrolSomeone(gross, 'SNAP-2');
    const saved = await control(t, 'GET', `/snapshot?ChainId=${grossChainId}`);
    expect(saved.status).toBe(200);
    expect(saved.body.LoyaltyMemberships).toHaveLength(2);

    await t.call('loyaltyMemberships/update', { ...gross, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: first.membership.Id, Points: { Value: 999 } }] });
    await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'After', Code: 'AFTER' }] });
    await t.call('loyaltyMemberships/delete', { ...gross, LoyaltyMembershipIds: [first.membership.Id] });

    const loaded = await control(t, 'POST', '/snapshot', saved.body);
    expect(loaded.status).toBe(200);
    expect(loaded.body.ChainIds).toEqual([grossChainId]);
    const again = await control(t, 'GET', `/snapshot?ChainId=${grossChainId}`);
    expect({ ...again.body, CreatedUtc: null }).toEqual({ ...saved.body, CreatedUtc: null });
    const page = await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 10 } });
    expect(page.body.LoyaltyMemberships.find((m: any) => m.Id === first.membership.Id).Points).toBe(5);
  });

  it('refuses a bad snapshot with a 400 naming the field, and changes nothing', async () => {
    await enrolSomeone(gross, 'BAD-SNAP');
    const before = await control(t, 'GET', '/snapshot');
    const broken = structuredClone(before.body);
    broken.LoyaltyMemberships[0].Points = 'many';
    const refused = await control(t, 'POST', '/snapshot', broken);
    expectError(refused, 400, /LoyaltyMemberships\[0\]\.Points/);
    const dangling = structuredClone(before.body);
    dangling.LoyaltyMemberships[0].LoyaltyProgramId = '00000000-0000-4000-8000-000000000000';
    expectError(await control(t, 'POST', '/snapshot', dangling), 400, /LoyaltyProgramId/);
    expectError(await control(t, 'POST', '/snapshot', { Format: 'something else' }), 400);
    const notJson = await t.app.inject({ method: 'POST', url: '/_connector/snapshot', headers: { 'content-type': 'application/json' }, payload: '{"Format":' });
    expect(notJson.statusCode).toBe(400);
    const after = await control(t, 'GET', '/snapshot');
    expect({ ...after.body, CreatedUtc: null }).toEqual({ ...before.body, CreatedUtc: null });
  });

  it('browses a chain for the console', async () => {
    const data = await enrolSomeone(gross, 'BROWSE');
    const programs = await control(t, 'GET', `/chains/${grossChainId}/loyaltyPrograms?Count=10`);
    expect(programs.body.Items.map((p: any) => p.Id)).toEqual([data.program.Id]);
    const memberships = await control(t, 'GET', `/chains/${grossChainId}/loyaltyMemberships?LoyaltyProgramId=${data.program.Id}`);
    expect(memberships.body.Items[0]).toMatchObject({ Id: data.membership.Id, Points: 5 });
    expect((await control(t, 'GET', `/chains/${netChainId}/loyaltyMemberships`)).body.Items).toEqual([]);
    expectError(await control(t, 'GET', '/chains/00000000-0000-4000-8000-000000000000/loyaltyPrograms'), 400, /ChainId/);
    expectError(await control(t, 'GET', `/chains/${grossChainId}/loyaltyPrograms?Count=many`), 400);
  });
});

describe.each(dialects)('snapshots on the command line ($name)', (dialect) => {
  it('saves and loads a file in one line each', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const t = await startTestApp(dialect, { DATABASE_URL: databaseUrl });
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Fixture', Code: 'FIXTURE' }] });
    await t.close();
    const file = join(await mkdtemp(join(tmpdir(), 'snapshot-')), 'fixture.json');
    const env = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' };
    const saved = await run(process.execPath, ['bin/loyalty-connector.js', 'snapshot', 'save', file, '--chain', grossChainId], { env });
    expect(saved.stdout).toContain('Saved 1 chain');
    const snapshot = JSON.parse(await readFile(file, 'utf8'));
    expect(snapshot.LoyaltyPrograms.map((p: any) => p.Id)).toEqual([added.body.LoyaltyPrograms[0].Id]);

    const changed = await startTestApp(dialect, { DATABASE_URL: databaseUrl });
    await changed.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [added.body.LoyaltyPrograms[0].Id] });
    await changed.close();
    const loaded = await run(process.execPath, ['bin/loyalty-connector.js', 'snapshot', 'load', file], { env });
    expect(loaded.stdout).toMatch(/Loaded \d+ records/);
    const back = await startTestApp(dialect, { DATABASE_URL: databaseUrl });
    try {
      const listed = await back.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(listed.body.LoyaltyPrograms).toEqual(added.body.LoyaltyPrograms);
    } finally {
      await back.close();
    }
    await writeFile(file, '{"Format":"loyalty-connector-snapshot"}');
    const refused = await run(process.execPath, ['bin/loyalty-connector.js', 'snapshot', 'load', file], { env }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/Invalid snapshot Version/);
  });
});

describe.each(dialects)('fault injection ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { CONTROL_API: 'on' }); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { await control(t, 'DELETE', '/faults'); });

  it('answers a matching call with the chosen status, marked, as many times as asked', async () => {
    const rule = await control(t, 'POST', '/faults', { Operation: 'loyaltyPrograms/getAll', Status: 503, Count: 2 });
    expect(rule.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const faulted = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
      expectError(faulted, 503, /injected fault/);
      expect(faulted.headers['connector-fault']).toBe(rule.body.Id);
    }
    expect((await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } })).status).toBe(200);
    expect((await t.call('loyaltyTiers/getAll', { ...gross, LoyaltyProgramIds: [], Limitation: { Count: 1 } })).status).toBe(200);
    const listed = await control(t, 'GET', '/faults');
    expect(listed.body.Faults[0]).toMatchObject({ Id: rule.body.Id, InjectedCount: 2, RemainingCount: 0 });
  });

  it('matches by token, waits a latency, and can be removed', async () => {
    const rule = await control(t, 'POST', '/faults', { AccessToken: net.AccessToken, LatencyMs: 150 });
    expect(rule.body.AccessToken).not.toBe(net.AccessToken);
    const started = Date.now();
    const slow = await t.call('loyaltyPrograms/getAll', { ...net, Limitation: { Count: 1 } });
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.headers['connector-fault']).toBeUndefined();
    const other = Date.now();
    await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    expect(Date.now() - other).toBeLessThan(140);
    expect((await control(t, 'DELETE', `/faults/${rule.body.Id}`)).status).toBe(200);
    expectError(await control(t, 'DELETE', `/faults/${rule.body.Id}`), 400, /FaultId/);
    expectError(await control(t, 'POST', '/faults', { Status: 418 }), 400, /Status/);
    expectError(await control(t, 'POST', '/faults', { Operation: 'loyaltyPrograms/getAll' }), 400, /Status/);
  });

  it('honours Prefer: code=… per request, validated', async () => {
    const limited = await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 1 } }, { prefer: 'code=429' });
    expectError(limited, 429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['connector-fault']).toBe('prefer');
    expectError(await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 1 } }, { prefer: 'code=418' }), 400, /Prefer/);
    expect((await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 1 } }, { prefer: 'return=minimal' })).status).toBe(204);
  });

  it('is seen by the typed client, which backs off for Retry-After and then succeeds', async () => {
    await control(t, 'POST', '/faults', { Operation: 'loyaltyPrograms/getAll', Status: 429, Count: 1, RetryAfterSeconds: 2 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const waits: number[] = [];
    const client = createClient({
      baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
      clientToken: gross.ClientToken, accessToken: gross.AccessToken, client: 'fault tests', sleep: async (ms) => { waits.push(ms); },
    });
    const page = await client.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });
    expect(page.LoyaltyPrograms).toBeDefined();
    expect(waits).toEqual([2000]);
  });
});

describe.each(dialects)('the request journal ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { CONTROL_API: 'on', JOURNAL_SIZE: '50' }); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { await control(t, 'DELETE', '/journal'); await control(t, 'DELETE', '/faults'); });

  it('records each call with operation, masked token, status, duration and bodies, newest first', async () => {
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Journal', Code: 'JOURNAL' }] });
    await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Journal', Code: 'JOURNAL' }] });
    await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 0 } });
    const journal = await control(t, 'GET', '/journal');
    expect(journal.status).toBe(200);
    const [invalid, rule, ok] = journal.body.Entries;
    expect(journal.body.Entries).toHaveLength(3);
    expect(ok).toMatchObject({ Id: added.headers['request-id'], Operation: 'loyaltyPrograms/add', Status: 200, Method: 'POST', Fault: null });
    expect(ok.Token).toMatch(/^C66E…453D$/);
    expect(ok.RequestBody.LoyaltyPrograms).toEqual([{ Name: 'Journal', Code: 'JOURNAL' }]);
    expect(ok.ResponseBody).toEqual(added.body);
    expect(typeof ok.DurationMs).toBe('number');
    expect(rule.Status).toBe(403);
    expect(invalid.Status).toBe(400);
    expect(JSON.stringify(journal.body)).not.toContain(gross.AccessToken);
    expect(JSON.stringify(journal.body)).not.toContain(gross.ClientToken);
  });

  it('is queryable by operation, status and time, marks injected faults, and clears', async () => {
    const since = new Date().toISOString();
    await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    await t.call('loyaltyTiers/getAll', { ...gross, Limitation: { Count: 1 } });
    await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } }, { prefer: 'code=500' });
    expect((await control(t, 'GET', '/journal?Operation=loyaltyPrograms/getAll')).body.Entries).toHaveLength(2);
    const failed = await control(t, 'GET', '/journal?Status=5xx');
    expect(failed.body.Entries).toHaveLength(1);
    expect(failed.body.Entries[0].Fault).toBe('prefer');
    expect((await control(t, 'GET', '/journal?Status=400')).body.Entries.map((e: any) => e.Operation)).toEqual(['loyaltyTiers/getAll']);
    expect((await control(t, 'GET', `/journal?SinceUtc=${since}`)).body.Entries).toHaveLength(3);
    expect((await control(t, 'GET', `/journal?UntilUtc=${since}`)).body.Entries).toHaveLength(0);
    expectError(await control(t, 'GET', '/journal?SinceUtc=yesterday'), 400, /SinceUtc/);
    expect((await control(t, 'DELETE', '/journal')).status).toBe(200);
    expect((await control(t, 'GET', '/journal')).body.Entries).toEqual([]);
  });

  it('records an answer given again from the answer cache like the first one', async () => {
    const body = { ...gross, Limitation: { Count: 2 } };
    const first = await t.call('loyaltyPrograms/getAll', body);
    const second = await t.call('loyaltyPrograms/getAll', body);
    expect(second.body).toEqual(first.body);
    const entries = (await control(t, 'GET', '/journal')).body.Entries;
    expect(entries.map((e: any) => e.Id)).toEqual([second.headers['request-id'], first.headers['request-id']]);
    for (const entry of entries) expect(entry.ResponseBody).toEqual(first.body);
  });

  it('keeps a big body or answer as a note of its size, not the body', async () => {
    const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Big journal entry ${i} ${'x'.repeat(60)}`, Code: `BIG-${i}` }));
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs });
    expect(added.status).toBe(200);
    const [entry] = (await control(t, 'GET', '/journal?Limit=1')).body.Entries;
    expect(entry.Id).toBe(added.headers['request-id']);
    expect(entry.RequestBody).toEqual({ Truncated: true, Bytes: expect.any(Number) });
    expect(entry.RequestBody.Bytes).toBeGreaterThan(64 * 1024);
    expect(entry.ResponseBody).toEqual({ Truncated: true, Bytes: expect.any(Number) });
    expect(entry.Token).toBe('C66E…453D');
  });

  it('keeps only the last JOURNAL_SIZE calls', async () => {
    for (let i = 0; i < 60; i++) await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    expect((await control(t, 'GET', '/journal')).body.Entries).toHaveLength(50);
  });
});
