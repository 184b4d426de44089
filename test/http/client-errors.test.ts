// Answers a client gets even when Node or the body reader answers first: a 413 readable by a client
// still sending, Node's own 400/408 (bad URL, slow headers) with the error body and Request-Id, a
// Client of any length refused, and authentication failures that do not tell which token is wrong.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/expect.ts';
import { gross, grossClient2 } from '../helpers/tenancy.ts';
import { freePort } from '../helpers/server-process.ts';

/** POSTs `total` bytes in 64 KB chunks with Content-Length, as Node's http.request does; resolves with the answer or the error. */
function sendLarge(port: number, total: number): Promise<{ status?: number; body?: string; requestId?: string; error?: string }> {
  return new Promise((resolve) => {
    const request = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/connector/v1/loyaltyPrograms/add',
      headers: { 'content-type': 'application/json', 'content-length': String(total) },
    }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, body: text, requestId: String(response.headers['request-id']) }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    request.on('error', (error) => resolve({ error: `${(error as NodeJS.ErrnoException).code}: ${error.message}` }));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

/** Raw bytes on a socket; resolves with everything the server sent until it closed or went quiet. */
function raw(port: number, text: string, quietMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(answer); }, quietMs);
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('close', () => { clearTimeout(timer); resolve(answer); });
    socket.on('error', () => {});
    socket.write(text);
  });
}

function parseRaw(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const requestId = /\r\nrequest-id: ([^\r]+)/i.exec(head)?.[1];
  return { status, requestId, body: body ? JSON.parse(body) : undefined };
}

describe.each(dialects)('a 413 to a client still sending ($name)', (dialect) => {
  let child: ChildProcess;
  let port: number;
  beforeAll(async () => {
    // A server of its own process: in one process the client and server take turns and the race is hidden.
    port = await freePort();
    child = spawn(process.execPath, ['bin/loyalty-connector.js', 'serve'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: await dialect.databaseUrl(), LOG_LEVEL: 'info', RATE_LIMIT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (chunk) => { log += chunk; });
    child.stderr!.on('data', (chunk) => { log += chunk; });
    for (let i = 0; i < 300 && !log.includes('Loyalty Connector is serving'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('Loyalty Connector is serving');
  }, 60_000);
  afterAll(async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('gets the 413 and its body to a client still sending 6 MB in 64 KB chunks, 100 times in a row', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = await sendLarge(port, 6 * 1024 * 1024);
      if (answer.error) outcomes.push(answer.error);
      else {
        const body = JSON.parse(answer.body!);
        outcomes.push(`${answer.status} ${body.Message === undefined ? 'no Message' : 'Message'} ${body.RequestId === answer.requestId ? 'RequestId' : 'no RequestId'}`);
      }
    }
    expect(outcomes).toEqual(Array(100).fill('413 Message RequestId'));
  }, 120_000);
});

describe.each(dialects)('answers Node gives before a request exists ($name)', (dialect) => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => { await t.close(); });

  it('answers a malformed request line with the error body and a Request-Id', async () => {
    const answer = parseRaw(await raw(port, 'POST /api/connector/v1/%%% HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}'));
    const garbage = parseRaw(await raw(port, 'HELLO\r\n\r\n'));
    for (const { status, requestId, body } of [answer, garbage]) {
      expect(status).toBe(400);
      expect(isLowercaseUuid(requestId)).toBe(true);
      expect(body).toEqual({ Message: expect.stringMatching(/^Bad request/), RequestId: requestId, Details: expect.any(String) });
    }
  });

  it('answers headers that never finish with 408, the error body and a Request-Id', async () => {
    // Node checks for slow headers every 30 s (headersTimeout 60 s): its timeout is raised as Node does.
    const accepted = once(t.app.server, 'connection') as Promise<[Socket]>;
    const pending = raw(port, 'POST /api/connector/v1/configuration/get HTTP/1.1\r\nHost: localhost\r\n', 5000);
    const [socket] = await accepted;
    await new Promise((r) => setTimeout(r, 50));
    t.app.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    const answer = parseRaw(await pending);
    expect(answer.status).toBe(408);
    expect(isLowercaseUuid(answer.requestId)).toBe(true);
    expect(answer.body).toMatchObject({ Message: expect.stringMatching(/^Request timeout/), RequestId: answer.requestId });
  });
});

describe.each(dialects)('Client and authentication answers ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('refuses a Client longer than 255 characters, naming it', async () => {
    expect((await t.call('configuration/get', { ...gross, Client: 'c'.repeat(255) })).status).toBe(200);
    expectError(await t.call('configuration/get', { ...gross, Client: 'c'.repeat(256) }), 400, /Client/);
    expectError(await t.call('loyaltyPrograms/getAll', { ...gross, Client: 'c'.repeat(5_000_000 / 2), Limitation: { Count: 1 } }), 400, /Client/);
  });

  it('answers a wrong access token and a wrong client token with one message', async () => {
    const wrongAccess = await t.call('configuration/get', { ...gross, AccessToken: 'NOT-A-KNOWN-ACCESS-TOKEN' });
    const wrongClient = await t.call('configuration/get', { ...gross, ClientToken: grossClient2.ClientToken });
    expectError(wrongAccess, 401);
    expectError(wrongClient, 401);
    expect(wrongClient.body.Message).toBe(wrongAccess.body.Message);
    expect(wrongClient.body.Details).toBe(wrongAccess.body.Details);
    expect(wrongAccess.body.Message).not.toMatch(/for this access token/);
  });
});
