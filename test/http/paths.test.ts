// docs/behaviour.md Requests: paths are exact and case-sensitive; anything else is a 404 with the error body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer, parsed } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

const body = { ...gross, Limitation: { Count: 10 } };

describe.each(dialects)('paths ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('answers the exact path', async () => {
    const answer = parsed(await t.post('/api/connector/v1/loyaltyPrograms/getAll', body));
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it.each([
    ['resource in another case', '/api/connector/v1/LoyaltyPrograms/getAll'],
    ['resource in lower case', '/api/connector/v1/loyaltyprograms/getAll'],
    ['action in another case', '/api/connector/v1/loyaltyPrograms/GetAll'],
    ['action in lower case', '/api/connector/v1/loyaltyPrograms/getall'],
    ['prefix in another case', '/API/connector/v1/loyaltyPrograms/getAll'],
    ['a trailing slash', '/api/connector/v1/loyaltyPrograms/getAll/'],
    ['an unknown resource', '/api/connector/v1/loyaltyProgrammes/getAll'],
    ['an unknown action', '/api/connector/v1/loyaltyPrograms/getEverything'],
    ['an action of another resource', '/api/connector/v1/configuration/getAll'],
    ['a double slash', '/api/connector/v1//loyaltyPrograms/getAll'],
    ['a double slash at the start', '//api/connector/v1/loyaltyPrograms/getAll'],
    ['another version', '/api/connector/v2/loyaltyPrograms/getAll'],
    ['an extra segment', '/api/connector/v1/loyaltyPrograms/getAll/extra'],
    ['the resource alone', '/api/connector/v1/loyaltyPrograms'],
    ['the root', '/'],
  ])('answers 404 for %s', async (_label, path) => {
    const answer = parsed(await t.post(path, body));
    expectError(answer, 404);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'] as const)('answers 404 for %s on a valid path', async (method) => {
    const response = await t.app.inject({
      method,
      url: '/api/connector/v1/loyaltyPrograms/getAll',
      ...(method === 'GET' || method === 'DELETE' ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    });
    const answer = parsed(response);
    expectError(answer, 404);
  });

  it.each([
    ['an empty JSON body', 'application/json', ''],
    ['a truncated JSON body', 'application/json', '{"ClientToken":'],
    ['a body of another type', 'text/plain', 'hello'],
  ])('answers 404, not 400, for an unknown path with %s', async (_label, contentType, payload) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/connector/v1/customers/nothing', headers: { 'content-type': contentType }, payload });
    expectError(parsed(response), 404);
  });

  it('answers 404 before authentication: no tokens needed to learn a path does not exist', async () => {
    const answer = parsed(await t.post('/api/connector/v1/loyaltyPrograms/GetAll', { Client: 'x' }));
    expectError(answer, 404);
  });

  it('gives the 404 body Details outside production', async () => {
    const answer = parsed(await t.post('/api/connector/v1/nothing/here', body));
    expectError(answer, 404);
    expect(typeof answer.body.Details).toBe('string');
  });
});
