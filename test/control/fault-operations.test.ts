// A fault rule names an operation of the registry: a misspelt Operation used to be accepted and never
// fire. Now it is a 400 that lists the operations it was probably meant to be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/index.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { gross } from '../helpers/tenancy.ts';

async function addRule(t: TestApp, body: unknown) {
  const answer = await t.app.inject({ method: 'POST', url: '/_connector/faults', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: answer.statusCode, body: JSON.parse(answer.body), headers: answer.headers };
}

describe('fault rule operations', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialects[0]!, { CONTROL_API: 'on' }); });
  afterAll(async () => { await t.close(); });

  it.each([
    ['a missing letter', 'loyaltyMembership/getAll', 'loyaltyMemberships/getAll'],
    ['another case', 'LoyaltyPrograms/add', 'loyaltyPrograms/add'],
    ['an action in lower case', 'loyaltyTiers/getall', 'loyaltyTiers/getAll'],
    ['an action the resource does not have', 'customers/delete', 'customers/add'],
  ])('refuses %s with 400 naming Operation and the close matches', async (_label, operation, suggestion) => {
    const refused = await addRule(t, { Operation: operation, Status: 503 });
    expectError(refused, 400, /^Invalid Operation: /);
    expect(refused.body.Message).toContain(`"${operation}" is not an operation; did you mean`);
    expect(refused.body.Message).toContain(suggestion);
    const listed = await t.app.inject({ method: 'GET', url: '/_connector/faults' });
    expect(JSON.parse(listed.body).Faults).toEqual([]);
  });

  it('lists every operation when nothing is close', async () => {
    const refused = await addRule(t, { Operation: 'reservations/getAll', Status: 503 });
    expectError(refused, 400, /Invalid Operation/);
    for (const name of Object.keys(operations)) expect(refused.body.Message).toContain(name);
  });

  it('accepts every operation of the registry, and the rule fires', async () => {
    for (const name of Object.keys(operations)) {
      // A token nobody sends: the rule is accepted and never in the way.
      const added = await addRule(t, { Operation: name, AccessToken: 'no-such-access-token', Status: 503 });
      expectJsonAnswer(added, 200);
      expect(added.body.Operation).toBe(name);
    }
    await t.app.inject({ method: 'DELETE', url: '/_connector/faults' });
    const rule = await addRule(t, { Operation: 'loyaltyMemberships/getAll', Status: 500, Count: 1 });
    const answer = await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 1 } });
    expectError(answer, 500, /injected fault/);
    expect(answer.headers['connector-fault']).toBe(rule.body.Id);
  });
});
