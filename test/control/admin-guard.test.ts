// The control plane is never open to the network: no start on a non-loopback HOST without
// ADMIN_TOKEN, no empty ADMIN_TOKEN, loopback Host names only without a token (DNS rebinding), and an
// address that keeps guessing the admin token is turned away.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

const run = promisify(execFile);

async function control(t: TestApp, method: 'GET' | 'POST', url: string, headers: Record<string, string>, remoteAddress = '127.0.0.1') {
  const answer = await t.app.inject({
    method, url, remoteAddress, headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(method === 'POST' ? { payload: '{}' } : {}),
  });
  return { status: answer.statusCode, body: answer.body.startsWith('{') ? JSON.parse(answer.body) : answer.body, headers: answer.headers };
}

describe('starting with the control plane', () => {
  it('refuses a non-loopback HOST without ADMIN_TOKEN, saying how to set one', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      expect(() => loadSettings({ HOST: host, CONTROL_API: 'on' })).toThrow(/set ADMIN_TOKEN=.*or CONTROL_API=off/);
    }
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(loadSettings({ HOST: host, CONTROL_API: 'on' }).host).toBe(host);
    // The brackets of an IPv6 address are the URL's, not the address's.
    expect(loadSettings({ HOST: '[::1]', CONTROL_API: 'on' }).host).toBe('::1');
    expect(loadSettings({ HOST: '0.0.0.0', CONTROL_API: 'on', ADMIN_TOKEN: 'a-long-secret' }).adminToken).toBe('a-long-secret');
    expect(loadSettings({ HOST: '0.0.0.0', CONTROL_API: 'off' }).controlApi).toBe(false);
    // The demo tenancy turns the control plane on by default: the same rule applies.
    expect(() => loadSettings({ HOST: '0.0.0.0' })).toThrow(/ADMIN_TOKEN/);
  });

  it('refuses an empty ADMIN_TOKEN instead of taking it to mean open', () => {
    expect(() => loadSettings({ ADMIN_TOKEN: '' })).toThrow(/ADMIN_TOKEN is set but empty/);
    expect(() => loadSettings({ ADMIN_TOKEN: '   ' })).toThrow(/ADMIN_TOKEN is set but empty/);
  });

  it('exits with one line from the command line', async () => {
    const failure = await run(process.execPath, ['bin/loyalty-connector.js', '--host', '0.0.0.0', '--port', '65011'], {
      env: { ...process.env, ADMIN_TOKEN: undefined, CONTROL_API: 'on', DATABASE_URL: ':memory:' }, timeout: 60_000,
    }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^loyalty-connector: the control plane would be open to the network on HOST=0\.0\.0\.0: set ADMIN_TOKEN=/);
  });
});

describe.each(dialects)('the control plane guard ($name)', (dialect) => {
  it('answers only loopback Host names without ADMIN_TOKEN', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on' });
    try {
      await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Kept', Code: 'KEPT' }] });
      for (const host of ['attacker.example', 'attacker.example:8080', '127.0.0.1.attacker.example', 'localhost.attacker.example', '10.0.0.1']) {
        expectError(await control(t, 'POST', '/_connector/reset', { host }), 403, /localhost, 127\.0\.0\.1 or \[::1\]/);
        expectError(await control(t, 'GET', '/_connector/journal', { host }), 403);
        expectError(await control(t, 'GET', '/console', { host }), 403);
      }
      // Nothing was reset.
      const programs = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(programs.body.LoyaltyPrograms.map((p: any) => p.Code)).toContain('KEPT');
      for (const host of ['localhost', 'localhost:8080', '127.0.0.1', '127.0.0.1:80', '[::1]', '[::1]:8080', 'LOCALHOST']) {
        expect((await control(t, 'GET', '/_connector/chains', { host })).status, host).toBe(200);
      }
      // The API itself answers any Host.
      expect((await t.call('configuration/get', gross, { host: 'api.example.com' })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('turns away an address that keeps guessing the admin token, not the others', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on', ADMIN_TOKEN: 'the-admin-secret' });
    try {
      // With a token, any Host is answered (the token is the guard).
      expect((await control(t, 'GET', '/_connector/chains', { host: 'connector.example', authorization: 'Bearer the-admin-secret' })).status).toBe(200);
      for (let i = 0; i < 10; i++) expectError(await control(t, 'GET', '/_connector/chains', { authorization: `Bearer guess-${i}` }, '10.0.0.7'), 401);
      const limited = await control(t, 'GET', '/_connector/chains', { authorization: 'Bearer guess-10' }, '10.0.0.7');
      expectError(limited, 429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Even the right token waits: a guesser must not learn it was right.
      expectError(await control(t, 'GET', '/_connector/chains', { authorization: 'Bearer the-admin-secret' }, '10.0.0.7'), 429);
      expect((await control(t, 'GET', '/_connector/chains', { authorization: 'Bearer the-admin-secret' }, '10.0.0.8')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
