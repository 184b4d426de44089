// The request journal under attack: tokens under any key spelling, pasted into Client or other text,
// used as keys, or shaped like tokens but unknown, are never kept; memory is bounded by JOURNAL_BYTES
// and what is let go is counted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoTenancy } from '../../src/tenancy/demo.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { gross, net, testTenancy, third } from '../helpers/tenancy.ts';

const allTokens = [...new Set([
  ...[...(demoTenancy().Clients ?? []), ...(testTenancy.Clients ?? [])].map((c) => c.ClientToken),
  ...[...(demoTenancy().AccessTokens ?? []), ...(testTenancy.AccessTokens ?? [])].map((a) => a.AccessToken),
])];
/** The token and each long half of a published `XXXX-YYYY` token. */
const leakedIn = (text: string) => allTokens.filter((token) =>
  [token, ...token.split('-').filter((part) => part.length >= 16)].some((fragment) => text.toUpperCase().includes(fragment.toUpperCase())));

const unknownTokenShaped = '0123456789ABCDEF0123456789ABCDEF-0123456789ABCDEF0123456789ABCDE';

async function readJournal(t: TestApp) {
  const answer = await t.app.inject({ method: 'GET', url: '/_connector/journal' });
  expect(answer.statusCode).toBe(200);
  return JSON.parse(answer.body);
}

describe.each(dialects)('journal secrets ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { CONTROL_API: 'on' }); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { await t.app.inject({ method: 'DELETE', url: '/_connector/journal' }); });

  it('keeps no token, whatever its key, position or spelling, on 200 and 401 answers', async () => {
    const bodies = [
      // camelCase and snake_case keys: a 401 (the exact keys are missing), seen by the journal.
      { clientToken: gross.ClientToken, accessToken: gross.AccessToken, Client: 'x', Limitation: { Count: 1 } },
      { client_token: net.ClientToken, access_token: net.AccessToken, Client: 'x', Limitation: { Count: 1 } },
      // Tokens pasted into Client and into text of unknown properties, another chain's token included.
      { ...gross, Client: `my app ${gross.AccessToken} ${net.AccessToken}`, Limitation: { Count: 1 } },
      { ...gross, Note: [{ deep: `token=${third.AccessToken};` }], Limitation: { Count: 1 } },
      { ...gross, [net.AccessToken]: 'a token as a key', Limitation: { Count: 1 } },
      { ...gross, Client: `pasted ${unknownTokenShaped}`, Limitation: { Count: 1 } },
      { ...gross, ClientToken: third.ClientToken, Limitation: { Count: 1 } },
    ];
    const statuses = [];
    for (const body of bodies) statuses.push((await t.call('loyaltyPrograms/getAll', body)).status);
    expect(statuses).toEqual([401, 401, 200, 200, 200, 200, 401]);
    const journal = await readJournal(t);
    expect(journal.Entries).toHaveLength(bodies.length);
    const text = JSON.stringify(journal);
    expect(leakedIn(text)).toEqual([]);
    expect(text).not.toContain(unknownTokenShaped.slice(0, 32));
    // What is not a token stays readable.
    expect(journal.Entries[3].RequestBody.Note).toEqual([{ deep: 'token=[redacted];' }]);
    expect(journal.Entries[4].RequestBody.Client).toBe('my app [redacted] [redacted]');
    expect(journal.Entries[6].RequestBody.Limitation).toEqual({ Count: 1 });
  });

  it('does not echo a token pasted into Client in any answer', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Client: gross.AccessToken, Limitation: { Count: 0 } });
    expect(answer.status).toBe(400);
    expect(leakedIn(JSON.stringify(answer))).toEqual([]);
  });
});

describe.each(dialects)('journal memory ($name)', (dialect) => {
  it('keeps bodies within JOURNAL_BYTES, the newest first, and counts the calls it let go', async () => {
    const t = await startTestApp(dialect, { CONTROL_API: 'on', JOURNAL_SIZE: '1000', JOURNAL_BYTES: '64kb' });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Padding: 'p'.repeat(10_000), Limitation: { Count: 1 } });
        expect(answer.status).toBe(200);
        ids.push(String(answer.headers['request-id']));
      }
      // 500 unauthenticated calls cost no more than the budget either.
      for (let i = 0; i < 500; i++) {
        expect((await t.call('loyaltyPrograms/getAll', { ...gross, AccessToken: 'wrong', Padding: 'q'.repeat(2_000) })).status).toBe(401);
      }
      const journal = await readJournal(t);
      expect(journal.Usage.Bytes).toBeLessThanOrEqual(64 * 1024);
      expect(journal.Usage.BudgetBytes).toBe(64 * 1024);
      expect(journal.Usage.Entries).toBe(journal.Entries.length);
      expect(journal.Entries.length).toBeLessThan(540);
      expect(journal.Entries.length).toBeGreaterThan(10);
      expect(journal.Usage.DroppedForBytes).toBe(540 - journal.Entries.length);
      expect(journal.Entries[0].Status).toBe(401);
      expect(journal.Entries[0].RequestBody.Padding).toBe('q'.repeat(2_000));
      expect(journal.Entries.map((e: any) => e.Id)).not.toContain(ids[0]);
    } finally {
      await t.close();
    }
  });

  it('refuses a JOURNAL_BYTES that is not a size', async () => {
    await expect(startTestApp(dialect, { CONTROL_API: 'on', JOURNAL_BYTES: 'lots' })).rejects.toThrow(/JOURNAL_BYTES/);
  });
});
