// docs/behaviour.md Authentication: tokens are stored hashed and never logged. Every token of the demo and
// test tenancies is looked for, whole and by halves, in every column of every table, in the log
// written at trace level while the server answers 200, 400 (schema and Invalid JSON), 401, 404, 408,
// 413, 429 and 500, in every answer (body, Details and headers), and in the request journal of the
// control plane (GET /_connector/journal), which is a log too.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenancy } from '../../src/tenancy/demo.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { gross, grossClient2, net, portfolio, testTenancy, third } from '../helpers/tenancy.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const clientTokens = [...new Set([...(demoTenancy().Clients ?? []), ...(testTenancy.Clients ?? [])].map((c) => c.ClientToken))];
const accessTokens = [...new Set([...(demoTenancy().AccessTokens ?? []), ...(testTenancy.AccessTokens ?? [])].map((a) => a.AccessToken))];
const allTokens = [...clientTokens, ...accessTokens];

/** The token, and each half of a `XXXX-YYYY` token when both halves are long enough to be telling. */
const fragments = (token: string) => [token, ...token.split('-').filter((part) => part.length >= 16)];

function leakedIn(text: string): string[] {
  const upper = text.toUpperCase();
  return allTokens.filter((token) => fragments(token).some((fragment) => upper.includes(fragment.toUpperCase())));
}

interface Capture {
  readonly stream: Writable;
  text(): string;
}

function capture(): Capture {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } }),
    text: () => chunks.join(''),
  };
}

interface Seen { label: string; status: number; requestId: string; text: string }

describe.each(dialects)('secrets ($name)', (dialect) => {
  it('keeps only SHA-256 hashes of the tokens: no raw token in any column of any table', async () => {
    const t = await startTestApp(dialect);
    try {
      const clients = await t.store.db.selectFrom('clients').selectAll().execute();
      const tokens = await t.store.db.selectFrom('access_tokens').selectAll().execute();
      expect(clients.length).toBeGreaterThan(0);
      expect(tokens.length).toBeGreaterThan(0);
      // Hashed: each token is there as its SHA-256, and as nothing else.
      const clientHashes = new Set(clients.map((c) => c.token_hash));
      for (const token of clientTokens) expect(clientHashes.has(sha256(token)), `client token ${token.slice(0, 6)}… stored as its hash`).toBe(true);
      const accessHashes = new Set(tokens.map((a) => a.token_hash));
      for (const token of accessTokens) expect(accessHashes.has(sha256(token)), `access token ${token.slice(0, 6)}… stored as its hash`).toBe(true);
      expect(leakedIn(JSON.stringify(clients))).toEqual([]);
      expect(leakedIn(JSON.stringify(tokens))).toEqual([]);

      // Some traffic first (request-limit windows, records), then every table, every column.
      for (const tokens of [gross, grossClient2, net, third, portfolio]) {
        await t.call('loyaltyPrograms/getAll', { ...tokens, Limitation: { Count: 1 } });
      }
      await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Secret keeper', Code: 'SECRETS' }] });
      // Only this app's schema: other runs sharing the PostgreSQL database have tables of their own.
      const tables = (await t.store.db.introspection.getTables()).filter((table) => !t.store.schema || table.schema === t.store.schema);
      expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['clients', 'access_tokens', 'loyalty_programs']));
      for (const table of tables) {
        const rows = await t.store.db.selectFrom(table.name as 'clients').selectAll().execute();
        expect(leakedIn(JSON.stringify(rows)), `tokens in table ${table.name}`).toEqual([]);
      }
    } finally {
      await t.close();
    }
  });

  describe('the log at trace level and the answers', () => {
    const log = capture();
    let t: TestApp;
    const seen: Seen[] = [];

    beforeAll(async () => {
      t = await startTestApp(dialect, { LOG_LEVEL: 'trace', BODY_LIMIT: '64kb', RATE_LIMIT: '20/30s' }, { logStream: log.stream });
    });
    afterAll(async () => { await t?.close(); });

    async function send(label: string, path: string, payload: string): Promise<Seen> {
      const response = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload });
      const answer = { label, status: response.statusCode, requestId: String(response.headers['request-id']), text: response.body + JSON.stringify(response.headers) };
      seen.push(answer);
      return answer;
    }
    const statusOf = async (label: string, path: string, payload: string) => (await send(label, path, payload)).status;
    const operation = (name: string) => `/api/connector/v1/${name}`;
    const json = (body: object) => JSON.stringify(body);

    it('answers every kind of call without a token in the answer, Details included', async () => {
      expect(await statusOf('200 getAll', operation('loyaltyPrograms/getAll'), json({ ...gross, Limitation: { Count: 5 } }))).toBe(200);
      expect(await statusOf('200 add', operation('loyaltyPrograms/add'), json({ ...gross, LoyaltyPrograms: [{ Name: 'Logged', Code: 'LOGGED' }] }))).toBe(200);
      expect(await statusOf('200 portfolio', operation('configuration/get'), json({ ...portfolio }))).toBe(200);
      expect(await statusOf('400 schema', operation('loyaltyPrograms/getAll'), json({ ...gross, Limitation: { Count: 0 } }))).toBe(400);
      expect(await statusOf('400 no Client', operation('loyaltyPrograms/getAll'), json({ ClientToken: gross.ClientToken, AccessToken: gross.AccessToken, Limitation: { Count: 1 } }))).toBe(400);
      expect(await statusOf('400 Invalid JSON (truncated right after a token)', operation('loyaltyPrograms/getAll'), `{"ClientToken":"${gross.ClientToken}","AccessToken":"${gross.AccessToken}`)).toBe(400);
      expect(await statusOf('400 Invalid JSON (trailing comma)', operation('loyaltyPrograms/getAll'), `${json({ ...gross, Limitation: { Count: 1 } }).slice(0, -1)},}`)).toBe(400);
      expect(await statusOf('400 token in a UUID field', operation('loyaltyPrograms/delete'), json({ ...gross, LoyaltyProgramIds: [gross.AccessToken] }))).toBe(400);
      expect(await statusOf('400 a token where the body should be', operation('loyaltyPrograms/getAll'), JSON.stringify(gross.AccessToken))).toBe(400);
      expect(await statusOf('400 an array body holding the tokens', operation('loyaltyPrograms/getAll'), json([{ ...gross, Limitation: { Count: 1 } }]))).toBe(400);
      expect(await statusOf('200 the tokens repeated in an unknown property', operation('loyaltyPrograms/getAll'), json({ ...gross, Extra: { ...net }, Limitation: { Count: 1 } }))).toBe(200);
      expect(await statusOf('401 mismatched pair', operation('loyaltyPrograms/getAll'), json({ ...gross, ClientToken: grossClient2.ClientToken, Limitation: { Count: 1 } }))).toBe(401);
      expect(await statusOf('401 swapped pair', operation('loyaltyPrograms/getAll'), json({ ClientToken: net.AccessToken, AccessToken: net.ClientToken, Client: 'x', Limitation: { Count: 1 } }))).toBe(401);
      expect(await statusOf('401 access token off by one character', operation('loyaltyPrograms/add'), json({ ...gross, AccessToken: `${gross.AccessToken.slice(0, -1)}E`, LoyaltyPrograms: [{ Name: 'x', Code: 'x' }] }))).toBe(401);
      expect(await statusOf('404 path', operation('loyaltyPrograms/steal'), json({ ...gross }))).toBe(404);
      expect(await statusOf('404 path with the token in the query string', `${operation('nothing')}?AccessToken=${gross.AccessToken}`, json({ ...gross }))).toBe(404);
      expect(await statusOf('413 body too large', operation('loyaltyPrograms/add'), json({ ...gross, Padding: 'p'.repeat(100_000) }))).toBe(413);
      // The request limit, on the third chain's token (the others keep their windows).
      let limited: Seen | undefined;
      for (let i = 0; i < 25 && !limited; i++) {
        const answer = await send('429 request limit', operation('loyaltyPrograms/getAll'), json({ ...third, Limitation: { Count: 1 } }));
        if (answer.status === 429) limited = answer;
      }
      expect(limited?.status).toBe(429);

      for (const answer of seen) expect(leakedIn(answer.text), `${answer.label} (${answer.status})`).toEqual([]);
    });

    it('answers 408 and 503 without a token in the answer or the log', async () => {
      const slowLog = capture();
      const slow = await startTestApp(dialect, { LOG_LEVEL: 'trace', REQUEST_TIMEOUT_MS: '1' }, { logStream: slowLog.stream });
      let timedOut;
      try {
        const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Slow ${i}`, Code: `SLOW-${i}` }));
        timedOut = await slow.post(operation('loyaltyPrograms/add'), { ...gross, LoyaltyPrograms: programs });
        expect(timedOut.statusCode).toBe(408);
      } finally {
        await slow.close();
      }

      // A 503: the database goes away under a running app; the failure is logged with its stack.
      const brokenLog = capture();
      const broken = await startTestApp(dialect, { LOG_LEVEL: 'trace' }, { logStream: brokenLog.stream });
      await broken.store.close();
      let failed;
      try {
        failed = await broken.post(operation('loyaltyPrograms/getAll'), { ...gross, Limitation: { Count: 1 } });
        expect(failed.statusCode).toBe(503);
      } finally {
        await broken.app.close();
      }
      for (const answer of [timedOut, failed]) expect(leakedIn(answer.body + JSON.stringify(answer.headers))).toEqual([]);
      expect(brokenLog.text()).toContain(String(failed.headers['request-id']));
      expect(brokenLog.text()).toMatch(/request failed|"level":50/);
      expect(leakedIn(slowLog.text())).toEqual([]);
      expect(leakedIn(brokenLog.text())).toEqual([]);
    });

    it('shows no token in the request journal of the control plane (when it is on)', async () => {
      const calls = [
        await send('journal: 200', operation('loyaltyPrograms/getAll'), json({ ...gross, Limitation: { Count: 1 } })),
        await send('journal: 400 an array body', operation('loyaltyPrograms/getAll'), json([{ ...gross, Limitation: { Count: 1 } }])),
        await send('journal: 400 a token as the body', operation('loyaltyPrograms/getAll'), JSON.stringify(gross.AccessToken)),
        await send('journal: 200 tokens repeated in an unknown property', operation('loyaltyPrograms/getAll'), json({ ...gross, Extra: { ...net }, Limitation: { Count: 1 } })),
      ];
      const journal = await t.app.inject({ method: 'GET', url: '/_connector/journal' });
      if (journal.statusCode === 404) return;
      expect(journal.statusCode).toBe(200);
      for (const call of calls) expect(journal.body, `${call.label} journaled`).toContain(call.requestId);
      expect(leakedIn(journal.body)).toEqual([]);
    });

    it('logged every one of those requests, and no token with them', () => {
      const text = log.text();
      expect(text.length).toBeGreaterThan(0);
      // The log is not empty by accident: each request is there under its request id.
      for (const answer of seen) expect(text, `${answer.label} logged`).toContain(answer.requestId);
      expect(leakedIn(text)).toEqual([]);
    });
  });
});
