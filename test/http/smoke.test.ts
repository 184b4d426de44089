import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { gross } from '../helpers/tenancy.ts';

describe.each(dialects)('smoke ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('adds and lists a program with the demo tokens', async () => {
    const added = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Club', Code: 'C1' }] });
    expect(added.status).toBe(200);
    const listed = await t.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 10 } });
    expect(listed.body.LoyaltyPrograms).toEqual(added.body.LoyaltyPrograms);
  });
});
