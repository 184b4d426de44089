// Running it: health probes, instances starting together, the processing and statement timeouts
// (408, nothing written), and a graceful stop on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openStore } from '../../src/app.ts';
import { loadSettings } from '../../src/settings.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { gross } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';
import { freePort } from '../helpers/server-process.ts';

describe.each(dialects)('health probes ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('answers live and ready while the database answers', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ Status: 'live' });
    expect(live.headers['request-id']).toBeTruthy();
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ Status: 'ready', Database: 'reachable' });
  });

  it('answers not ready (503) once the database is gone, and stays live', async () => {
    const settings = loadSettings({ LOG_LEVEL: 'silent', DATABASE_URL: await dialect.databaseUrl() });
    const store = await openStore(settings);
    const app = buildApp(settings, { store });
    await store.close();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ Status: 'unavailable', Database: 'unreachable' });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await app.close();
  });
});

describe.each(dialects)('timeouts ($name)', (dialect) => {
  it('answers 408 to a request that runs past the processing timeout and writes nothing of it', async () => {
    const t = await startTestApp(dialect, { REQUEST_TIMEOUT_MS: '1' });
    try {
      const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Slow ${i}`, Code: `SLOW-${i}` }));
      const answer = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs });
      expect(answer.status).toBe(408);
      expect(answer.body.RequestId).toBe(answer.headers['request-id']);
      expect(answer.body.Message).toMatch(/timeout/i);
      const stored = await t.store.db.selectFrom('loyalty_programs').select('id').execute();
      expect(stored).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe.each(dialects.filter((d) => d.name === 'postgres'))('PostgreSQL statement timeout ($name)', (dialect) => {
  it('cancels a statement past DATABASE_STATEMENT_TIMEOUT_MS with 408, then serves again', async () => {
    const t = await startTestApp(dialect, { DATABASE_STATEMENT_TIMEOUT_MS: '300' });
    const url = new URL(t.settings.databaseUrl);
    const schema = url.searchParams.get('schema')!;
    url.searchParams.delete('schema');
    const blocker = new pg.Client({ connectionString: url.toString() });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`lock table "${schema}".loyalty_programs in access exclusive mode`);
      const blocked = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(blocked.status).toBe(408);
      expect(blocked.body.RequestId).toBe(blocked.headers['request-id']);
      await blocker.query('rollback');
      const served = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(served.status).toBe(200);
    } finally {
      await blocker.end();
      await t.close();
    }
  });
});

// One process per SQLite file is the supported SQLite deployment (its migrations still take the write
// lock, for a second process started by mistake); several instances are PostgreSQL's.
describe.each(dialects.filter((d) => d.name === 'postgres'))('instances starting together ($name)', (dialect) => {
  it('migrate once and apply the tenancy without conflict', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const settings = loadSettings({ LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl });
    const stores = await Promise.all([openStore(settings), openStore(settings), openStore(settings)]);
    try {
      const migrations = await stores[0]!.db.selectFrom('kysely_migration' as any).select('name' as any).execute();
      expect(migrations.map((m: any) => m.name)).toEqual([...new Set(migrations.map((m: any) => m.name))]);
      const chains = await stores[1]!.db.selectFrom('chains').select('id').execute();
      expect(chains).toHaveLength(2);
    } finally {
      for (const store of stores) await store.close();
    }
  });
});

describe.each(dialects)('restarts ($name)', (dialect) => {
  it('keeps the data and migrates nothing twice', async () => {
    const databaseUrl = await dialect.persistentDatabaseUrl();
    const first = await startTestApp(dialect, { DATABASE_URL: databaseUrl });
    const added = await first.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Kept', Code: 'KEPT' }] });
    await first.close();
    const second = await startTestApp(dialect, { DATABASE_URL: databaseUrl });
    try {
      const listed = await second.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(listed.body.LoyaltyPrograms).toEqual(added.body.LoyaltyPrograms);
      const migrations = await second.store.db.selectFrom('kysely_migration' as any).select('name' as any).execute();
      const known = await migrationProvider(second.store.capabilities).getMigrations();
      expect(migrations.map((m: any) => m.name).sort()).toEqual(Object.keys(known).sort());
    } finally {
      await second.close();
    }
  });
});

describe('graceful stop', () => {
  it('finishes the request in flight on SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/loyalty-connector.js', 'serve'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: ':memory:', LOG_LEVEL: 'info', RATE_LIMIT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk) => { log += chunk; });
    child.stderr.on('data', (chunk) => { log += chunk; });
    const exited = once(child, 'exit');
    try {
      for (let i = 0; i < 100 && !log.includes('Loyalty Connector is serving'); i++) await sleep(100);
      expect(log).toContain('Loyalty Connector is serving');
      const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Program ${i}`, Code: `P-${i}` }));
      const inFlight = fetch(`http://127.0.0.1:${port}/api/connector/v1/loyaltyPrograms/add`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...gross, LoyaltyPrograms: programs }),
      });
      await sleep(30);
      child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as any).LoyaltyPrograms).toHaveLength(1000);
      const [code] = await exited;
      expect(code).toBe(0);
      expect(log).toContain('shutting down');
      // No token reached the log.
      expect(log).not.toContain(gross.AccessToken);
      expect(log).not.toContain(gross.ClientToken);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
