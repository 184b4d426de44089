// GET /: a person who opens the server's address learns where the API, /docs and /console are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectJsonAnswer, parsed } from '../helpers/expect.ts';

const dialect = dialects[0]!;

describe('GET /', () => {
  let t: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    off = await startTestApp(dialect, { CONTROL_API: 'off' });
  });
  afterAll(async () => {
    await t.close();
    await off.close();
  });

  it('answers JSON pointing to the API, /docs, the OpenAPI document and /console', async () => {
    const answer = parsed(await t.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } }));
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({
      Name: 'Loyalty Connector', Version: expect.stringMatching(/^\d+\.\d+\.\d+/), Api: '/api/connector/v1/', Docs: '/docs',
      OpenApi: '/openapi.json', Console: '/console', Health: '/health/ready',
    });
    for (const path of [answer.body.Docs, answer.body.OpenApi, answer.body.Console, answer.body.Health]) {
      expect((await t.app.inject({ method: 'GET', url: path })).statusCode, path).toBe(200);
    }
  });

  it('answers a browser with a page of links', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('href="/docs"');
    expect(response.body).toContain('href="/console"');
  });

  it('says the console is off when the control plane is', async () => {
    const answer = parsed(await off.app.inject({ method: 'GET', url: '/' }));
    expectJsonAnswer(answer, 200);
    expect(answer.body.Console).toBeNull();
    const page = await off.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.body).not.toContain('href="/console"');
  });
});
