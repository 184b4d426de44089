// Webhook URLs are secrets (docs/behaviour.md): set through the control plane, used for delivery, failing
// and succeeding, they never appear whole in the trace-level log, the journal, or any answer.
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { gross } from '../helpers/tenancy.ts';

const secret = 'Wh-Secret-7d1e0c55a9';

describe.each(dialects)('webhook URL secrecy ($name)', (dialect) => {
  let t: TestApp;
  let receiver: Receiver;
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('keeps the query of a webhook URL out of the log, the journal and every answer', async () => {
    let log = '';
    const stream = new PassThrough();
    stream.on('data', (chunk) => { log += chunk; });
    t = await startTestApp(dialect, { LOG_LEVEL: 'trace', CONTROL_API: 'on', WEBHOOK_BATCH_MS: '30', WEBHOOK_RETRY_DELAY_MS: '50', WEBHOOK_ATTEMPTS: '2' }, { logStream: stream });
    receiver = await startReceiver();
    receiver.behave((_request, index, response) => void response.writeHead(index === 0 ? 500 : 200).end());
    const answers: string[] = [];
    const control = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
      const response = await t.app.inject({ method, url: `/_connector${url}`, ...(body ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
      answers.push(response.body);
      return response;
    };
    expect((await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, GeneralWebhookUrl: `${receiver.url}/hook?token=${secret}` })).statusCode).toBe(200);
    expect((await control('POST', '/webhooks/endpoints', { ClientToken: gross.ClientToken, GeneralWebhookUrl: `ftp://${secret}` })).statusCode).toBe(400);
    const added = await t.call('customers/add', { ...gross, LastName: 'Secret', OverwriteExisting: false });
    expect(added.status).toBe(200);
    await receiver.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await control('GET', '/webhooks');
    await control('GET', '/webhooks/endpoints');
    await control('GET', '/journal');
    expect(receiver.received.map((request) => request.search)).toEqual([`?token=${secret}`, `?token=${secret}`]);
    expect(log).toContain('webhook attempt failed');
    expect(log).toContain('webhook delivered');
    expect(log).toContain(`${receiver.url}/hook`);
    expect(log).not.toContain(secret);
    for (const answer of answers) expect(answer).not.toContain(secret);
  });

  it('guards the event and integration endpoints with ADMIN_TOKEN like the rest of the control plane', async () => {
    const guarded = await startTestApp(dialect, { CONTROL_API: 'on', ADMIN_TOKEN: 'admin-secret' });
    try {
      for (const [method, url] of [['GET', '/_connector/webhooks'], ['GET', '/_connector/webhooks/endpoints'], ['GET', '/_connector/integrations'], ['POST', '/_connector/integrations'], ['GET', '/_connector/simulation']] as const) {
        const refused = await guarded.app.inject({ method, url, ...(method === 'POST' ? { payload: '{}', headers: { 'content-type': 'application/json' } } : {}) });
        expect(refused.statusCode, `${method} ${url}`).toBe(401);
      }
      const allowed = await guarded.app.inject({ method: 'GET', url: '/_connector/integrations', headers: { authorization: 'Bearer admin-secret' } });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
