// docs/behaviour.md Responses: every response, success or error, has a Request-Id header (a lowercase UUID,
// new for every request), equal to the error body's RequestId.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { gross, grossClient2 } from '../helpers/tenancy.ts';

describe.each(dialects)('Request-Id ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { RATE_LIMIT: '3/30s', BODY_LIMIT: '2kb' }); });
  afterAll(async () => { await t.close(); });

  const seen = new Set<string>();
  const remember = (headers: Record<string, unknown>) => {
    const id = headers['request-id'];
    expect(isLowercaseUuid(id)).toBe(true);
    expect(seen.has(id as string)).toBe(false);
    seen.add(id as string);
  };

  it('is on a 200, and differs between requests', async () => {
    const first = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    const second = await t.call('configuration/get', { ...gross });
    expectJsonAnswer(first, 200);
    expectJsonAnswer(second, 200);
    remember(first.headers);
    remember(second.headers);
    expect(first.headers['request-id']).not.toBe(second.headers['request-id']);
  });

  it('is on a 204', async () => {
    const response = await t.post('/api/connector/v1/loyaltyPrograms/getAll', { ...grossClient2, Limitation: { Count: 1 } }, { prefer: 'return=minimal' });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    remember(response.headers);
  });

  it('is on a 400 (invalid JSON) and equals the body RequestId', async () => {
    const answer = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll', '{"Limitation":'));
    expectError(answer, 400, 'Invalid JSON');
    remember(answer.headers);
  });

  it('is on a 400 (schema) and equals the body RequestId', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...grossClient2, Limitation: { Count: 0 } });
    expectError(answer, 400, 'Limitation.Count');
    remember(answer.headers);
  });

  it('is on a 401 and equals the body RequestId', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, AccessToken: 'unknown', Limitation: { Count: 1 } });
    expectError(answer, 401);
    remember(answer.headers);
  });

  it('is on a 404 and equals the body RequestId', async () => {
    const answer = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll/', { ...gross, Limitation: { Count: 1 } }));
    expectError(answer, 404);
    remember(answer.headers);
    const get = parsed(await t.app.inject({ method: 'GET', url: '/api/connector/v1/loyaltyPrograms/getAll' }));
    expectError(get, 404);
    remember(get.headers);
  });

  it('is on a 413 and equals the body RequestId', async () => {
    const answer = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 }, Padding: 'x'.repeat(4096) }));
    expectError(answer, 413);
    remember(answer.headers);
  });

  it('is on a 429 and equals the body RequestId', async () => {
    // The limit is 3 per 30 s: at most 3 more requests of gross get through, the next is refused.
    let answer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    for (let attempt = 0; attempt < 3 && answer.status === 200; attempt++) {
      remember(answer.headers);
      answer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    }
    expectError(answer, 429);
    expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    remember(answer.headers);
  });

  it('is chosen by the server, not by the client', async () => {
    const chosen = '11111111-1111-4111-8111-111111111111';
    const answer = await t.call('loyaltyPrograms/getAll', { ...grossClient2, Limitation: { Count: 0 } }, { 'request-id': chosen, 'x-request-id': chosen });
    expectError(answer, 400);
    expect(answer.headers['request-id']).not.toBe(chosen);
    remember(answer.headers);
  });

  it('gave every response above its own id', () => {
    expect(seen.size).toBeGreaterThanOrEqual(12);
  });
});
