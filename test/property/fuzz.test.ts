// docs/behaviour.md: no input, however malformed, gets a 5xx or hangs. Property tests over every
// operation of the registry, through HTTP on a real database, with the gross tokens (so bodies get
// past authentication): bodies shaped by the operation's request schema and pushed to its edges, one-
// field mutations of the documented example (with live identifiers), and raw bodies that are not
// JSON. Every answer must be a 2xx that the OpenAPI document accepts, or a 4xx with the error body
// { Message, RequestId[, Details] } whose RequestId equals the Request-Id header.
//
//   FUZZ_RUNS=2000 npx vitest run test/property/fuzz.test.ts   (npm run fuzz: a long run)
//   FUZZ_SEED=123 …                                              (replay a reported seed)
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/index.ts';
import type { OperationDeclaration } from '../../src/contract/operation.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { responseErrors } from '../helpers/openapi.ts';
import {
  grossChainId, grossEnterpriseId, gross, net, netChainId, netEnterpriseId, third, thirdChainId, thirdEnterpriseId,
} from '../helpers/tenancy.ts';
import { fromSchema, mutationOf, rawBodies, serialize, type FuzzIds } from './arbitraries.ts';

/** Cases per property; three properties per operation (the raw one runs a third of them). */
const runs = Math.max(1, Number(process.env.FUZZ_RUNS ?? 100));
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** A request that takes longer than this is a hang. */
const requestTimeoutMs = 15_000;
/** Budget of one property: generous, so that a long FUZZ_RUNS run is not cut short by vitest. */
const propertyTimeoutMs = 60_000 + runs * 400;

const names = Object.keys(operations) as (keyof typeof operations)[];
// Deletes last, so the live records the other operations' examples name exist as long as possible.
const ordered = [...names.filter((n) => !n.endsWith('/delete')), ...names.filter((n) => n.endsWith('/delete'))];

const tokenFields = { ClientToken: gross.ClientToken, AccessToken: gross.AccessToken };

/** The documented examples name these; the live examples name real records of the gross chain instead. */
const exampleIds = {
  program: 'f701dafb-5765-4cf4-b1dd-1f602a740ae5',
  tier: '69eedfd2-6f25-42fc-b3c8-39df70f85e37',
  account: 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d',
  membership: '905a4489-0960-4ac9-96ec-793f47365c92',
};

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
}

const excerpt = (text: string | Buffer, length = 300) => {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  return s.length > length ? `${s.slice(0, length)}… (${s.length} chars)` : s;
};

/** The property: 2xx conforming to the document, or 4xx with the error body. Throws with the evidence otherwise. */
function checkAnswer(operation: string, answer: Answer, sent: string | Buffer): void {
  const where = () => `${operation} answered ${answer.status} to ${excerpt(sent)}\nanswer: ${excerpt(answer.text, 600)}`;
  const requestId = answer.headers['request-id'];
  if (typeof requestId !== 'string' || requestId === '') throw new Error(`no Request-Id header: ${where()}`);
  if (answer.status >= 500) throw new Error(`server error: ${where()}`);
  if (!/^application\/json(;|$)/.test(String(answer.headers['content-type']))) throw new Error(`not JSON: ${where()}`);
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`the answer is not JSON: ${where()}`);
  }
  if (answer.status >= 200 && answer.status < 300) {
    const errors = responseErrors(operation, answer.status, body);
    if (errors.length) throw new Error(`the answer does not match the OpenAPI document (${errors.slice(0, 5).join('; ')}): ${where()}`);
    return;
  }
  if (answer.status < 400) throw new Error(`unexpected status: ${where()}`);
  const keys = Object.keys(body ?? {});
  const shapeOk = body !== null && typeof body === 'object' && !Array.isArray(body)
    && typeof body.Message === 'string' && body.Message.length > 0
    && body.RequestId === requestId
    && (body.Details === undefined || typeof body.Details === 'string')
    && keys.every((k) => k === 'Message' || k === 'RequestId' || k === 'Details');
  if (!shapeOk) throw new Error(`not the error body { Message, RequestId = Request-Id header, Details? }: ${where()}`);
  const errors = responseErrors(operation, answer.status, body);
  if (errors.length) throw new Error(`the error does not match the OpenAPI document (${errors.join('; ')}): ${where()}`);
}

describe.each(dialects)('fuzzing every operation ($name)', (dialect) => {
  let t: TestApp;
  let ids: FuzzIds;
  let liveExamples: Record<string, Record<string, unknown>>;
  let cases = 0;
  const statuses = new Map<number, number>();

  async function send(operation: string, payload: string | Buffer, contentType = 'application/json'): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${requestTimeoutMs} ms (a hang): ${operation} ${excerpt(payload)}`)), requestTimeoutMs);
    });
    try {
      const response: LightMyRequestResponse = await Promise.race([
        t.app.inject({ method: 'POST', url: `/api/connector/v1/${operation}`, headers: { 'content-type': contentType }, payload }),
        timeout,
      ]);
      cases++;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      return { status: response.statusCode, headers: response.headers, text: response.body };
    } finally {
      clearTimeout(timer);
    }
  }

  const options = (extra: Partial<fc.Parameters<unknown>> = {}) => ({
    numRuns: runs,
    ...(seed !== undefined ? { seed } : {}),
    // Shrinking a failure through HTTP is slow: stop it in time to report what was found.
    interruptAfterTimeLimit: propertyTimeoutMs - 10_000,
    markInterruptAsFailure: false,
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const ok = async (operation: string, body: object, tokens: object = gross) => {
      const answer = await t.call(operation, { ...tokens, ...body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    };
    const program = (await ok('loyaltyPrograms/add', { LoyaltyPrograms: [{ Name: 'Fuzz', Code: 'FUZZ' }] })).LoyaltyPrograms[0].Id;
    const tier = (await ok('loyaltyTiers/add', { LoyaltyTiers: [{ LoyaltyProgramId: program, Name: 'Gold', Code: 'GOLD', Ordering: 1 }] })).LoyaltyTiers[0].Id;
    const customer = (await ok('customers/add', { LastName: 'Fuzz', Email: 'fuzz@example.com', OverwriteExisting: false })).Id;
    const company = (await ok('companies/add', { Name: 'Fuzz Ltd', Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } })).Companies[0].Id;
    const membership = (await ok('loyaltyMemberships/add', {
      LoyaltyMemberships: [{ AccountId: customer, LoyaltyProgramId: program, LoyaltyTierId: tier, IsPrimary: true, MembershipNumber: 'FUZZ-1' }],
    })).LoyaltyMemberships[0].Id;
    const netProgram = (await ok('loyaltyPrograms/add', { LoyaltyPrograms: [{ Name: 'Other', Code: 'OTHER' }] }, net)).LoyaltyPrograms[0].Id;
    const thirdCustomer = (await ok('customers/add', { LastName: 'Other', OverwriteExisting: false }, third)).Id;
    ids = {
      own: [program, tier, customer, company, membership, grossChainId, grossEnterpriseId],
      foreign: [netProgram, thirdCustomer, netChainId, thirdChainId, netEnterpriseId, thirdEnterpriseId],
    };
    const live: Record<string, string> = { [exampleIds.program]: program, [exampleIds.tier]: tier, [exampleIds.account]: customer, [exampleIds.membership]: membership };
    liveExamples = {};
    for (const name of names) {
      let text = JSON.stringify({ ...(operations[name] as OperationDeclaration).example, ...tokenFields });
      for (const [documented, real] of Object.entries(live)) text = text.replaceAll(documented, real);
      liveExamples[name] = JSON.parse(text);
    }
  });

  afterAll(async () => {
    await t?.close();
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    process.stdout.write(`fuzz (${dialect.name}): ${cases} requests, ${runs} runs per property; statuses ${summary}\n`);
  });

  it.each(ordered)('%s: bodies shaped by the request schema, pushed to its edges', async (name) => {
    const declaration = operations[name] as OperationDeclaration;
    const schema = declaration.request as unknown as Record<string, unknown>;
    // Half calm (only what the schema allows, so the handler runs), half chaotic.
    const bodies = fc.oneof(fromSchema(schema, ids, true), fromSchema(schema, ids, false)).map((body) =>
      body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, ...tokenFields } : body);
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const payload = serialize(body);
        checkAnswer(name, await send(name, payload), payload);
      }),
      options(),
    );
  }, propertyTimeoutMs);

  it.each(ordered)('%s: one-field mutations of the documented example', async (name) => {
    const documented = { ...(operations[name] as OperationDeclaration).example, ...tokenFields };
    const examples = fc.constantFrom(documented, liveExamples[name]!);
    const mutated = examples.chain((example) => mutationOf(example, ids, ['ClientToken', 'AccessToken']));
    await fc.assert(
      fc.asyncProperty(mutated, async ({ body }) => {
        const payload = serialize(body);
        checkAnswer(name, await send(name, payload), payload);
      }),
      options(),
    );
  }, propertyTimeoutMs);

  it.each(ordered)('%s: raw bodies (random text and bytes, broken JSON) as application/json', async (name) => {
    const valid = [serialize(liveExamples[name]), serialize({ ...(operations[name] as OperationDeclaration).example, ...tokenFields })];
    await fc.assert(
      fc.asyncProperty(rawBodies(valid), fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1'), async ({ payload }, contentType) => {
        checkAnswer(name, await send(name, payload, contentType), payload);
      }),
      options({ numRuns: Math.max(1, Math.ceil(runs / 3)) }),
    );
  }, propertyTimeoutMs);

  it('still answers a plain request after all that, and no operation answered 5xx', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 1 } });
    expect(answer.status).toBe(200);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  });
});

// The failures the properties found, pinned down as plain cases (they must stay fixed).
describe.each(dialects)('fuzzing regressions ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  const answerOf = async (operation: string, body: object): Promise<Answer> => {
    const payload = serialize(body);
    const response = await t.app.inject({ method: 'POST', url: `/api/connector/v1/${operation}`, headers: { 'content-type': 'application/json' }, payload });
    return { status: response.statusCode, headers: response.headers, text: response.body };
  };

  it.each([
    ['loyaltyPrograms/add', { LoyaltyPrograms: [{ Name: 'a\u0000b', Code: 'NUL-1' }] }],
    ['loyaltyPrograms/add', { LoyaltyPrograms: [{ Name: 'Nul', Code: 'NUL\u0000' }] }],
    ['loyaltyPrograms/getAll', { Codes: ['\u0000'], Limitation: { Count: 1 } }],
    ['loyaltyMemberships/getAll', { MembershipNumbers: ['\u0000'], Limitation: { Count: 1 } }],
    ['customers/add', { LastName: '\u0000', OverwriteExisting: false }],
    ['customers/add', { LastName: 'Nul', Email: 'nul\u0000@example.com', OverwriteExisting: false }],
    ['customers/getAll', { FirstNames: ['\u0000'], Extent: { Customers: true }, Limitation: { Count: 1 } }],
    ['companies/add', { Name: '\u0000', Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } }],
    ['companies/getAll', { Names: ['\u0000'], Limitation: { Count: 1 } }],
  ] as const)('%s with a NUL character in a string: 2xx or 4xx, never 5xx (%j)', async (operation, body) => {
    const payload = { ...gross, ...body };
    checkAnswer(operation, await answerOf(operation, payload), serialize(payload));
  });

  it.each([
    ['an array 100,000 deep with NUL at the bottom', `"Deep":${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`],
    ['an object 50,000 deep with a lone surrogate key at the bottom', `"Deep":${'{"a":'.repeat(50_000)}{"\\ud800":1}${'}'.repeat(50_000)}`],
    ['an array 100,000 deep', `"Deep":${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ])('answers a body holding %s with a 2xx or 4xx, never 5xx', async (_label, member) => {
    const payload = `{${serialize(gross).slice(1, -1)},${member},"Limitation":{"Count":1}}`;
    const response = await t.app.inject({ method: 'POST', url: '/api/connector/v1/loyaltyPrograms/getAll', headers: { 'content-type': 'application/json' }, payload });
    checkAnswer('loyaltyPrograms/getAll', { status: response.statusCode, headers: response.headers, text: response.body }, payload);
  });

  it('answers a second program whose Code differs from a stored one only in a lone surrogate without a 5xx', async () => {
    const first = { ...gross, LoyaltyPrograms: [{ Name: 'Surrogate 1', Code: 'LS\udfff' }] };
    checkAnswer('loyaltyPrograms/add', await answerOf('loyaltyPrograms/add', first), serialize(first));
    const second = { ...gross, LoyaltyPrograms: [{ Name: 'Surrogate 2', Code: 'LS\udffe' }] };
    checkAnswer('loyaltyPrograms/add', await answerOf('loyaltyPrograms/add', second), serialize(second));
  });

  it('stores what it answers: a lone surrogate is refused (400) or comes back from getAll as the add answered it', async () => {
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'x\ud800y', Code: 'ROUND-TRIP' }] });
    if (added.status === 400) return;
    expect(added.status).toBe(200);
    const listed = await t.call('loyaltyPrograms/getAll', { ...gross, LoyaltyProgramIds: [added.body.LoyaltyPrograms[0].Id], Limitation: { Count: 1 } });
    expect(listed.body.LoyaltyPrograms).toEqual(added.body.LoyaltyPrograms);
  });
});
