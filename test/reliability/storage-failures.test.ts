// The database failing under the server: a full disk (SQLite's max_page_count), PostgreSQL going
// away (a TCP proxy in front of it, stopped and started), files that cannot be written at start,
// and a second process on one SQLite file. Each answers 503 naming the cause, logs the database's
// own error, keeps /health/ready at 503 until a write succeeds, and writes nothing half.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { inject as provided, describe, expect, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

const run = promisify(execFile);
const sqlite = dialects.find((d) => d.name === 'sqlite')!;

function capture() {
  const chunks: string[] = [];
  return { stream: new Writable({ write(chunk, _e, done) { chunks.push(String(chunk)); done(); } }), text: () => chunks.join('') };
}

const programs = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ Name: `${prefix} ${i} ${'n'.repeat(80)}`, Code: `${prefix}-${i}` }));

describe('a full disk (SQLite)', () => {
  it('answers 503 naming the cause, logs SQLite\'s error, and is not ready until a write succeeds', async () => {
    const log = capture();
    const t = await startTestApp(sqlite, { DATABASE_URL: await sqlite.persistentDatabaseUrl(), LOG_LEVEL: 'error' }, { logStream: log.stream });
    try {
      const { rows: [count] } = await sql<{ page_count: number }>`pragma page_count`.execute(t.store.db);
      await sql.raw(`pragma max_page_count = ${count!.page_count}`).execute(t.store.db);

      const full = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs('FULL', 1000) });
      expectError(full, 503, 'Service unavailable: the database cannot be written: disk full.');
      expect(full.body.Details).toBe('the database cannot be written: disk full');
      expect(log.text()).toContain('SQLITE_FULL');
      expect(log.text()).not.toContain('cannot rollback');
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ Status: 'unavailable', Database: 'the database cannot be written: disk full' });
      // Reads still work; nothing of the batch was written.
      const listed = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(listed.status).toBe(200);
      expect(listed.body.LoyaltyPrograms).toEqual([]);

      await sql.raw('pragma max_page_count = 1073741823').execute(t.store.db);
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      expect((await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs('ROOM', 10) })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

/** A TCP proxy to PostgreSQL that the test can stop (an outage) and start again on the same port. */
async function postgresProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const start = async () => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket)).on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server!.close(resolve));
  };
  await start();
  return { port: () => port, start, stop };
}

describe.each(dialects.filter((d) => d.name === 'postgres'))('a PostgreSQL outage ($name)', (dialect) => {
  it('answers 503 (no stack trace), is not ready, and serves again when PostgreSQL is back', async () => {
    const url = new URL(await dialect.databaseUrl());
    const proxy = await postgresProxy(new URL(url));
    url.host = `127.0.0.1:${proxy.port()}`;
    const log = capture();
    const t = await startTestApp(dialect, { DATABASE_URL: url.toString(), LOG_LEVEL: 'error' }, { logStream: log.stream });
    try {
      expect((await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } })).status).toBe(200);
      await proxy.stop();
      for (const operation of ['loyaltyPrograms/getAll', 'loyaltyPrograms/add']) {
        const answer = await t.call(operation, { ...gross, Limitation: { Count: 1 }, LoyaltyPrograms: programs('DOWN', 1) });
        expectError(answer, 503, /Service unavailable: the database cannot be reached/);
        expect(answer.body.Details).not.toMatch(/\bat\b.*\(/);
      }
      expect(log.text()).toMatch(/ECONNREFUSED|Connection terminated/);
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
      await proxy.start();
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      expect((await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs('BACK', 1) })).status).toBe(200);
    } finally {
      await t.close();
      await proxy.stop().catch(() => {});
    }
  });
});

describe('database files at start (SQLite)', () => {
  const serve = (databaseUrl: string) => run(process.execPath, ['bin/loyalty-connector.js', 'serve', '--port', '65012'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' }, timeout: 60_000,
  }).then(() => undefined, (error: { code: number; stderr: string }) => error);

  it('refuses, in one line, a database whose folder or files cannot be written', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loyalty-connector-files-'));
    await writeFile(join(directory, 'not-a-folder'), 'x');
    const failure = await serve(join(directory, 'not-a-folder', 'loyalty.db'));
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^loyalty-connector: the database cannot be written: its folder .* cannot be created \((ENOTDIR|EEXIST)\)/);
  });

  it('refuses a second process on the same SQLite file, naming the first', async () => {
    const databaseUrl = await sqlite.persistentDatabaseUrl();
    const t = await startTestApp(sqlite, { DATABASE_URL: databaseUrl });
    try {
      const failure = await serve(databaseUrl);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure?.stderr).toContain(`is in use by process ${process.pid}: SQLite serves one process per file`);
      // The first process was not disturbed.
      expect((await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs('FIRST', 1) })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
void provided;
