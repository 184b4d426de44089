// docs/behaviour.md Request limits: N requests per AccessToken in a sliding window; the next gets 429 with
// Retry-After in seconds; another token is unaffected; `off` never limits.
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { gross, grossClient2, net } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';


describe.each(dialects)('request limit ($name)', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const getAll = (app: TestApp, tokens: object) => app.call('loyaltyPrograms/getAll', { ...tokens, Limitation: { Count: 1 } });

  it('lets 200 requests of one access token through in 30 s and answers the 201st with 429 and Retry-After', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT: '200/30s' });
    for (let i = 0; i < 200; i++) {
      const answer = await getAll(t, gross);
      if (answer.status !== 200) expect.fail(`request ${i + 1} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const limited = await getAll(t, gross);
    expectError(limited, 429);
    const retryAfter = limited.headers['retry-after'];
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);

    // Still limited: a refused request does not reset the window.
    const again = await getAll(t, gross);
    expectError(again, 429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another access token (even of the same enterprise, or of the same client) has its own window.
    const other = await getAll(t, grossClient2);
    expectJsonAnswer(other, 200);
    expect(other.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
    const sameClient = await getAll(t, net);
    expectJsonAnswer(sameClient, 200);
  });

  it('counts every operation, writes included, against the same window', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT: '3/30s' });
    expectJsonAnswer(await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'A', Code: 'A' }] }), 200);
    expectJsonAnswer(await t.call('configuration/get', { ...gross }), 200);
    expectJsonAnswer(await getAll(t, gross), 200);
    const limited = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'B', Code: 'B' }] });
    expectError(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(30);
    // The refused write wrote nothing (checked with another token of the same chain).
    const listed = await t.call('loyaltyPrograms/getAll', { ...grossClient2, Codes: ['B'], Limitation: { Count: 10 } });
    expectJsonAnswer(listed, 200);
    expect(listed.body.LoyaltyPrograms).toEqual([]);
  });

  it('frees the window once it has passed (sliding window)', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT: '3/1s' });
    for (let i = 0; i < 3; i++) expectJsonAnswer(await getAll(t, gross), 200);
    // Every request above was counted before this moment: 1 s later they have all left the window.
    const lastCounted = Date.now();
    const limited = await getAll(t, gross);
    expectError(limited, 429);
    expect(limited.headers['retry-after']).toBe('1');
    await sleep(Math.max(0, lastCounted + 1050 - Date.now()));
    const freed = await getAll(t, gross);
    expectJsonAnswer(freed, 200);
    expect(freed.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it('slides: requests spread over the window leave it one by one', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT: '2/1s' });
    expectJsonAnswer(await getAll(t, gross), 200);
    const firstCounted = Date.now();
    await sleep(500);
    const secondSent = Date.now();
    expectJsonAnswer(await getAll(t, gross), 200);
    expectError(await getAll(t, gross), 429);
    // 1.05 s after the first request: it has left the window, the second (counted after secondSent) has not.
    await sleep(Math.max(0, firstCounted + 1050 - Date.now()));
    expect(Date.now() - secondSent).toBeLessThan(1000);
    expectJsonAnswer(await getAll(t, gross), 200);
    const limited = await getAll(t, gross);
    expectError(limited, 429);
    expect(limited.headers['retry-after']).toBe('1');
  });

  it('never limits with RATE_LIMIT=off', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT: 'off' });
    for (let i = 0; i < 250; i++) {
      const answer = await getAll(t, gross);
      if (answer.status !== 200) expect.fail(`request ${i + 1} answered ${answer.status}`);
      expect(answer.headers['retry-after']).toBeUndefined();
    }
    expectJsonAnswer(await getAll(t, gross), 200);
  });
});
