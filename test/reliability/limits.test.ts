// docs/behaviour.md limits, and that none of them hurts the app: the body limit (413), the 1000-item arrays
// (400), the processing timeout (408), the request limit (429), and Node's own server limits (header
// size, slow headers, slow bodies). After each, the same app answers a normal request with 200.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect as connectSocket, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/index.ts';
import type { OperationDeclaration } from '../../src/contract/operation.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { gross, net } from '../helpers/tenancy.ts';
import { sleep } from '../helpers/clock.ts';

const getAll = (t: TestApp) => t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });

async function stillServes(t: TestApp): Promise<void> {
  const answer = await getAll(t);
  expectJsonAnswer(answer, 200);
}

async function storedPrograms(t: TestApp, code: string): Promise<number> {
  const rows = await t.store.db.selectFrom('loyalty_programs').select('id').where('code', 'like', `${code}%`).execute();
  return rows.length;
}

type Schema = Record<string, any>;

/** The top-level array properties of an operation's request with a maxItems, and a valid item for each. */
function limitedArrays(name: string): { property: string; maxItems: number; item: () => unknown }[] {
  const declaration = operations[name as keyof typeof operations] as OperationDeclaration;
  const properties = (declaration.request as unknown as Schema).properties as Record<string, Schema>;
  const found = [];
  for (const [property, raw] of Object.entries(properties)) {
    const schema = Array.isArray(raw.anyOf) ? raw.anyOf.find((branch: Schema) => branch.type === 'array') : raw;
    if (schema?.type !== 'array' || typeof schema.maxItems !== 'number') continue;
    const example = (declaration.example as Record<string, unknown[]> | undefined)?.[property];
    const items = schema.items as Schema;
    const item = Array.isArray(example) && example.length
      ? () => structuredClone(example[0])
      : items.format === 'uuid' ? () => randomUUID() : Array.isArray(items.enum) ? () => items.enum[0] : () => 'x';
    found.push({ property, maxItems: schema.maxItems as number, item });
  }
  return found;
}

const arrayCases = Object.keys(operations).flatMap((name) => limitedArrays(name).map((limited) => ({ name, ...limited })));

describe.each(dialects)('limits ($name)', (dialect) => {
  describe('the body limit (default 5 MB)', () => {
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(dialect); });
    afterAll(async () => { await t?.close(); });

    const bodyOfSize = (size: number, extra: object = {}) => {
      const head = JSON.stringify({ ...gross, ...extra, Limitation: { Count: 1 }, Padding: '' });
      return `${head.slice(0, -2)}${'p'.repeat(size - head.length)}"}`;
    };

    it('answers 413 to a body one byte over 5 MB, 200 to one of exactly 5 MB, and serves on', async () => {
      const limit = 5 * 1024 * 1024;
      expect(t.settings.bodyLimitBytes).toBe(limit);
      const over = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll', bodyOfSize(limit + 1)));
      expectError(over, 413);
      const at = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll', bodyOfSize(limit)));
      expectJsonAnswer(at, 200);
      await stillServes(t);
    });

    it('answers 413 to an oversized write and writes nothing of it', async () => {
      const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Big ${i} ${'n'.repeat(90)}`, Code: `BIG-${i}-${'c'.repeat(40)}` }));
      const payload = JSON.stringify({ ...gross, LoyaltyPrograms: programs, Padding: 'p'.repeat(5 * 1024 * 1024) });
      expectError(parsed(await t.post('/api/connector/v1/loyaltyPrograms/add', payload)), 413);
      expect(await storedPrograms(t, 'BIG-')).toBe(0);
      await stillServes(t);
    });

    it('answers 413 to a configured BODY_LIMIT, one byte over', async () => {
      const small = await startTestApp(dialect, { BODY_LIMIT: '1kb' });
      try {
        expectError(parsed(await small.post('/api/connector/v1/loyaltyPrograms/getAll', bodyOfSize(1025))), 413);
        expectJsonAnswer(parsed(await small.post('/api/connector/v1/loyaltyPrograms/getAll', bodyOfSize(1024))), 200);
        await stillServes(small);
      } finally {
        await small.close();
      }
    });
  });

  describe('1000-item arrays', () => {
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(dialect); });
    afterAll(async () => { await t?.close(); });

    it.each(arrayCases)('$name: $property with one item more than $maxItems is a 400 naming it', async ({ name, property, maxItems, item }) => {
      const example = (operations[name as keyof typeof operations] as OperationDeclaration).example ?? {};
      const answer = await t.call(name, { ...example, ...gross, [property]: Array.from({ length: maxItems + 1 }, item) });
      expectError(answer, 400, property);
      await stillServes(t);
    });

    it('takes 1000 items where 1000 is the limit: an add of 1000 programs, filters of 1000 codes and ids', async () => {
      const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Thousand ${i}`, Code: `K-${i}` }));
      const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs });
      expectJsonAnswer(added, 200);
      expect(added.body.LoyaltyPrograms).toHaveLength(1000);
      const byCode = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: programs.map((p) => p.Code), Limitation: { Count: 1000 } });
      expectJsonAnswer(byCode, 200);
      expect(byCode.body.LoyaltyPrograms).toHaveLength(1000);
      const ids = added.body.LoyaltyPrograms.map((p: { Id: string }) => p.Id);
      const byId = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: ids, Limitation: { Count: 1000 } });
      expect(byId.body.LoyaltyPrograms).toHaveLength(1000);
      expectJsonAnswer(await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: ids }), 200);
    });

    it('writes nothing of a 1001-item add', async () => {
      const programs = Array.from({ length: 1001 }, (_, i) => ({ Name: `Too many ${i}`, Code: `TOO-MANY-${i}` }));
      expectError(await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs }), 400, 'LoyaltyPrograms');
      expect(await storedPrograms(t, 'TOO-MANY-')).toBe(0);
      await stillServes(t);
    });
  });

  it('answers 408 past REQUEST_TIMEOUT_MS, writes nothing of the timed-out batch, and serves on', async () => {
    const t = await startTestApp(dialect, { REQUEST_TIMEOUT_MS: '1' });
    try {
      const programs = Array.from({ length: 1000 }, (_, i) => ({ Name: `Late ${i}`, Code: `LATE-${i}` }));
      const answer = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: programs });
      expectError(answer, 408, /timeout/i);
      expect(await storedPrograms(t, 'LATE-')).toBe(0);
      // A small request fits in 1 ms, though not every time on a busy machine: it must get a 200
      // within a few tries, and nothing but 200 or 408 meanwhile.
      const statuses: number[] = [];
      for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) statuses.push((await getAll(t)).status);
      expect(statuses.at(-1), `statuses: ${statuses.join(', ')}`).toBe(200);
      expect(statuses.filter((s) => s !== 200 && s !== 408)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('answers 429 past the request limit, keeps serving other tokens, and serves the token again once the window has passed', async () => {
    const t = await startTestApp(dialect, { RATE_LIMIT: '3/1s' });
    try {
      for (let i = 0; i < 3; i++) expectJsonAnswer(await getAll(t), 200);
      const counted = Date.now();
      const limited = await getAll(t);
      expectError(limited, 429);
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expectJsonAnswer(await t.call('loyaltyPrograms/getAll', { ...net, Limitation: { Count: 1 } }), 200);
      await sleep(Math.max(0, counted + 1100 - Date.now()));
      await stillServes(t);
    } finally {
      await t.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Node's server limits, on a listening app (one database is enough: this is the HTTP layer).

interface RawExchange { readonly text: string; readonly closedAfterMs: number }

/** Writes `parts` with `gapMs` between them and collects what comes back until the server closes. */
async function rawExchange(port: number, parts: readonly string[], gapMs: number, giveUpMs = 10_000): Promise<RawExchange> {
  const socket: Socket = connectSocket(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk) => { text += chunk; });
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  let open = true;
  void closed.then(() => { open = false; });
  for (const part of parts) {
    if (!open) break;
    socket.write(part);
    await sleep(gapMs);
  }
  const timer = setTimeout(() => socket.destroy(), giveUpMs);
  await closed;
  clearTimeout(timer);
  return { text, closedAfterMs: Date.now() - started };
}

describe('Node server limits', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp(dialects[0]!);
  });
  afterAll(async () => { await t?.close(); });

  it('sets finite, sane timeouts on the HTTP server', () => {
    const server = t.app.server;
    for (const [name, value] of Object.entries({ headersTimeout: server.headersTimeout, requestTimeout: server.requestTimeout, keepAliveTimeout: server.keepAliveTimeout, timeout: server.timeout })) {
      expect(Number.isFinite(value) && value > 0, `${name} = ${value}`).toBe(true);
      expect(value, `${name} at least 1 s`).toBeGreaterThanOrEqual(1_000);
      expect(value, `${name} at most 10 min`).toBeLessThanOrEqual(600_000);
    }
    // Node refuses a headersTimeout above requestTimeout; an idle keep-alive closes before the headers timeout.
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
    expect(server.keepAliveTimeout).toBeLessThan(server.timeout);
    expect(server.maxHeadersCount === null || server.maxHeadersCount > 0).toBe(true);
  });

  it('cuts off slow clients, refuses oversized headers and lying Content-Lengths, and serves on', async () => {
    // Shortened for the test (the checks run every connectionsCheckingInterval, 30 s by default).
    const server = t.app.server as typeof t.app.server & { connectionsCheckingInterval: number };
    server.connectionsCheckingInterval = 100;
    server.headersTimeout = 600;
    server.requestTimeout = 1_200;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
    const path = '/api/connector/v1/loyaltyPrograms/getAll';
    const normal = async () => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...gross, Limitation: { Count: 1 } }),
      });
      expect(response.status).toBe(200);
    };
    await normal();

    // Headers that never end: one byte every 100 ms.
    const slowHeaders = await rawExchange(port, [`POST ${path} HTTP/1.1\r\nHost: x\r\n`, ...'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'], 100);
    expect(slowHeaders.closedAfterMs).toBeLessThan(5_000);
    expect(slowHeaders.text).toMatch(/^(HTTP\/1\.1 408|$)/);
    await normal();

    // A body that never ends: 10 of 100 announced bytes, then silence.
    const slowBody = await rawExchange(port, [`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Client":`], 100);
    expect(slowBody.closedAfterMs).toBeLessThan(5_000);
    expect(slowBody.text).not.toMatch(/^HTTP\/1\.1 5/);
    await normal();

    // Headers over Node's 16 KB: 431, connection closed.
    const bigHeaders = await rawExchange(port, [`POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`], 10);
    expect(bigHeaders.text).toMatch(/^HTTP\/1\.1 431/);
    await normal();

    // A Content-Length of 10 GB: refused at once (413), before any of it is read.
    const huge = await rawExchange(port, [`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n{`], 10);
    expect(huge.text).toMatch(/^HTTP\/1\.1 413/);
    expect(huge.text.toLowerCase()).toContain('request-id:');
    expect(huge.closedAfterMs).toBeLessThan(5_000);
    await normal();
  });
});
