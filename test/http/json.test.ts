// docs/behaviour.md Requests and Responses: strict JSON bodies sent as application/json, the body limit,
// unknown properties ignored, and the error body without Details in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

const getAll = '/api/connector/v1/loyaltyPrograms/getAll';
const auth = `"ClientToken":${JSON.stringify(gross.ClientToken)},"AccessToken":${JSON.stringify(gross.AccessToken)},"Client":"tests"`;

describe.each(dialects)('JSON bodies ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('accepts a strict JSON body (the control for the cases below)', async () => {
    const answer = parsed(await t.post(getAll, `{${auth},"Limitation":{"Count":10}}`));
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it.each([
    ['a trailing comma in an object', `{${auth},"Limitation":{"Count":10},}`],
    ['a trailing comma in an array', `{${auth},"Codes":["A",],"Limitation":{"Count":10}}`],
    ['a line comment', `{${auth},\n// a comment\n"Limitation":{"Count":10}}`],
    ['a block comment', `{${auth},/* a comment */"Limitation":{"Count":10}}`],
    ['a truncated body', `{${auth},"Limitation":{"Count":10}`],
    ['single quotes', `{${auth},'Limitation':{'Count':10}}`],
    ['an unquoted key', `{${auth},Limitation:{"Count":10}}`],
    ['NaN', `{${auth},"Limitation":{"Count":NaN}}`],
    ['an empty body', ''],
    ['only whitespace', '   '],
    ['two JSON values', `{${auth},"Limitation":{"Count":10}} {}`],
  ])('answers 400 Invalid JSON for %s', async (_label, payload) => {
    const answer = parsed(await t.post(getAll, payload));
    expectError(answer, 400);
    expect(answer.body.Message).toBe('Invalid JSON');
  });

  it.each([
    ['an array', JSON.stringify([{ ...gross, Limitation: { Count: 10 } }])],
    ['a string', JSON.stringify('hello')],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
  ])('answers 400 for a body that is %s, not an object', async (_label, payload) => {
    const answer = parsed(await t.post(getAll, payload));
    expectError(answer, 400);
    expect(answer.body.Message).not.toBe('');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'text/json', 'application/xml'])(
    'answers 400 for Content-Type %s even when the body is valid JSON',
    async (contentType) => {
      const answer = parsed(await t.post(getAll, { ...gross, Limitation: { Count: 10 } }, { 'content-type': contentType }));
      expectError(answer, 400, 'Content-Type');
    },
  );

  it('answers 400 for a request without a Content-Type', async () => {
    const response = await t.app.inject({ method: 'POST', url: getAll, payload: Buffer.from(JSON.stringify({ ...gross, Limitation: { Count: 10 } })) });
    expectError(parsed(response), 400);
  });

  it.each(['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON'])(
    'accepts Content-Type %s',
    async (contentType) => {
      const answer = parsed(await t.post(getAll, { ...gross, Limitation: { Count: 10 } }, { 'content-type': contentType }));
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
    },
  );

  it('ignores unknown properties (LanguageCode, CultureCode, DataClusterId, arbitrary) at every level', async () => {
    const added = await t.call('loyaltyPrograms/add', {
      ...gross,
      LanguageCode: 'en-US',
      CultureCode: 'en-US',
      DataClusterId: 'cluster-1',
      Whatever: { Nested: [1, 2, 3] },
      LoyaltyPrograms: [{ Name: 'Ignored Extras', Code: 'EXTRA', Type: 'Hotel', Subscription: 'Paid', Colour: 'blue' }],
    });
    expectJsonAnswer(added, 200);
    expect(added.body.LoyaltyPrograms).toHaveLength(1);
    const program = added.body.LoyaltyPrograms[0];
    expect(Object.keys(program).sort()).toEqual(['ChainId', 'Code', 'Id', 'Name', 'Subscription', 'Type']);
    expect(program).toMatchObject({ Name: 'Ignored Extras', Code: 'EXTRA', Type: 'Hotel', Subscription: 'Paid' });

    const listed = await t.call('loyaltyPrograms/getAll', {
      ...gross, LanguageCode: null, CultureCode: null, DataClusterId: null, Extra: true, Codes: ['EXTRA'], Limitation: { Count: 10, Extra: 1 },
    });
    expectJsonAnswer(listed, 200);
    expect(listed.body.LoyaltyPrograms).toEqual([program]);
  });

  it('answers a schema violation with Details outside production', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 0 } });
    expectError(answer, 400, 'Limitation.Count');
    expect(answer.body.Details).toEqual(expect.stringContaining('Limitation.Count'));
  });
});

describe.each(dialects)('body limit ($name)', (dialect) => {
  let small: TestApp;
  let standard: TestApp;
  beforeAll(async () => {
    small = await startTestApp(dialect, { BODY_LIMIT: '1kb' });
    standard = await startTestApp(dialect);
  });
  afterAll(async () => {
    await small.close();
    await standard.close();
  });

  const padded = (bytes: number) => {
    const base = { ...gross, Limitation: { Count: 10 }, Padding: '' };
    const padding = 'x'.repeat(bytes - JSON.stringify(base).length);
    const text = JSON.stringify({ ...base, Padding: padding });
    expect(text.length).toBe(bytes);
    return text;
  };

  it('answers a body at the limit', async () => {
    const answer = parsed(await small.post(getAll, padded(1024)));
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it('answers 413 for a body one byte over the limit', async () => {
    const answer = parsed(await small.post(getAll, padded(1025)));
    expectError(answer, 413);
  });

  it('answers 413 for a large body even before reading its tokens', async () => {
    const answer = parsed(await small.post(getAll, JSON.stringify({ Padding: 'x'.repeat(10_000) })));
    expectError(answer, 413);
  });

  it('accepts a 4 MB body under the default 5 MB limit', async () => {
    const answer = parsed(await standard.post(getAll, padded(4 * 1024 * 1024)));
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it('answers 413 for a ~6 MB body under the default 5 MB limit', async () => {
    const answer = parsed(await standard.post(getAll, padded(6 * 1024 * 1024)));
    expectError(answer, 413);
  });
});

describe.each(dialects)('errors in production ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect, { NODE_ENV: 'production' }); });
  afterAll(async () => { await t.close(); });

  it.each([
    ['Invalid JSON', 400, '{"ClientToken": ,}'],
    ['a schema violation', 400, JSON.stringify({ ...gross, Limitation: { Count: 0 } })],
    ['an unknown path', 404, JSON.stringify({ ...gross, Limitation: { Count: 10 } }), '/api/connector/v1/nothing/getAll'],
    ['an unknown token', 401, JSON.stringify({ ...gross, AccessToken: 'nope', Limitation: { Count: 10 } })],
  ] as [string, number, string, string?][])('omits Details for %s but keeps Message and RequestId', async (_label, status, payload, path = getAll) => {
    const answer = parsed(await t.post(path, payload));
    expectError(answer, status, undefined, { details: false });
    expect(isLowercaseUuid(answer.body.RequestId)).toBe(true);
  });

  it('still answers a valid request', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });
});
