// docs/behaviour.md Minimal response: with `Prefer: return=minimal`, a delete and a getAll whose page is
// empty answer 204 with no body and no Content-Type; everything else answers as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { gross, grossChainId } from '../helpers/tenancy.ts';

const minimal = { prefer: 'return=minimal' };

describe.each(dialects)('Prefer: return=minimal ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  const add = async (code: string) => {
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: `Program ${code}`, Code: code }] });
    expectJsonAnswer(added, 200);
    return added.body.LoyaltyPrograms[0].Id as string;
  };
  const activeCodes = async (codes: string[]) => {
    const listed = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: codes, Limitation: { Count: 100 } });
    expectJsonAnswer(listed, 200);
    return listed.body.LoyaltyPrograms.map((p: { Code: string }) => p.Code);
  };

  const expectNoContent = (response: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['content-type']).toBeUndefined();
    expect(isLowercaseUuid(response.headers['request-id'])).toBe(true);
  };

  it('answers a delete with 204, no body and no Content-Type, and deletes', async () => {
    const id = await add('PREFER-DEL');
    const response = await t.post('/api/connector/v1/loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [id] }, minimal);
    expectNoContent(response);
    expect(await activeCodes(['PREFER-DEL'])).toEqual([]);
  });

  it('answers a delete without the header with 200 and {}', async () => {
    const id = await add('PLAIN-DEL');
    const answer = await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [id] });
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({});
    expect(await activeCodes(['PLAIN-DEL'])).toEqual([]);
  });

  it('answers a getAll whose page is empty with 204, no body and no Content-Type', async () => {
    const response = await t.post('/api/connector/v1/loyaltyPrograms/getAll', { ...gross, Codes: ['NO-SUCH-CODE'], Limitation: { Count: 10 } }, minimal);
    expectNoContent(response);
  });

  it('answers a getAll whose page is not empty with 200 and the page', async () => {
    const id = await add('PREFER-LIST');
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: ['PREFER-LIST'], Limitation: { Count: 10 } }, minimal);
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({
      LoyaltyPrograms: [{ Id: id, ChainId: grossChainId, Name: 'Program PREFER-LIST', Code: 'PREFER-LIST', Type: 'Unknown', Subscription: 'Free' }],
      Cursor: id,
    });
  });

  it('answers an empty getAll without the header with 200 and an empty page', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: ['NO-SUCH-CODE'], Limitation: { Count: 10 } });
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  it('answers add and update with 200 and their result even with the header', async () => {
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Minimal Add', Code: 'PREFER-ADD' }] }, minimal);
    expectJsonAnswer(added, 200);
    expect(added.body.LoyaltyPrograms).toHaveLength(1);
    const updated = await t.call('loyaltyPrograms/update', {
      ...gross, LoyaltyProgramUpdates: [{ LoyaltyProgramId: added.body.LoyaltyPrograms[0].Id, Name: { Value: 'Minimal Update' } }],
    }, minimal);
    expectJsonAnswer(updated, 200);
    expect(updated.body.LoyaltyPrograms[0].Name).toBe('Minimal Update');
  });

  it('answers configuration/get with 200 and its body even with the header', async () => {
    const answer = await t.call('configuration/get', { ...gross }, minimal);
    expectJsonAnswer(answer, 200);
    expect(answer.body.Enterprise.ChainId).toBe(grossChainId);
  });

  it('answers errors with the error body even with the header', async () => {
    const answer = await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: ['00000000-0000-4000-8000-000000000000'] }, minimal);
    expectError(answer, 400, 'LoyaltyProgramIds');
  });

  it('finds return=minimal among other preferences', async () => {
    const response = await t.post('/api/connector/v1/loyaltyPrograms/getAll', { ...gross, Codes: ['NO-SUCH-CODE'], Limitation: { Count: 10 } }, { prefer: 'respond-async, return=minimal' });
    expectNoContent(response);
  });

  it('ignores other Prefer values', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: ['NO-SUCH-CODE'], Limitation: { Count: 10 } }, { prefer: 'return=representation' });
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });
});
