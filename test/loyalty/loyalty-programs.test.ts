// loyaltyPrograms getAll/add/update/delete through HTTP: docs/behaviour.md (programs, update values, soft
// delete), §3 (tenancy, batches, pagination, time intervals, identifiers) and §4 (unique Code).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { gross, grossChainId, grossClient2, net, netChainId, portfolio, third, thirdChainId, sampleClient } from '../helpers/tenancy.ts';

type Tokens = typeof gross;
interface Program { Id: string; ChainId: string; Name: string; Code: string; Type: string; Subscription: string }

const unknownId = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const foreignChainId = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/** Runs `action` with the clock at `iso` (only Date is faked, so I/O and timers run as usual). */
async function at<T>(iso: string, action: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
  try {
    return await action();
  } finally {
    vi.useRealTimers();
  }
}

describe.each(dialects)('loyaltyPrograms ($name)', (dialect) => {
  // One app per dialect (starting one costs more than most tests); each test starts with no programs.
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { await t.store.db.deleteFrom('loyalty_programs').execute(); });
  afterEach(() => { vi.useRealTimers(); });

  const add = (tokens: Tokens, programs: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyPrograms/add', { ...tokens, ...extra, LoyaltyPrograms: programs });
  const update = (tokens: Tokens, updates: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyPrograms/update', { ...tokens, ...extra, LoyaltyProgramUpdates: updates });
  const remove = (tokens: Tokens, ids: unknown[]) => t.call('loyaltyPrograms/delete', { ...tokens, LoyaltyProgramIds: ids });
  const getAll = (tokens: Tokens, filter: Record<string, unknown> = {}) =>
    t.call('loyaltyPrograms/getAll', { ...tokens, Limitation: { Count: 1000 }, ...filter });

  /** Adds programs and returns them, asserting the 200. */
  const added = async (tokens: Tokens, programs: { Name?: string; Code: string; Type?: string; Subscription?: string }[], extra: Record<string, unknown> = {}) => {
    const answer = await add(tokens, programs.map((p) => ({ Name: `Program ${p.Code}`, ...p })), extra);
    expectJsonAnswer(answer, 200);
    expect(answer.body.LoyaltyPrograms).toHaveLength(programs.length);
    return answer.body.LoyaltyPrograms as Program[];
  };
  /** The programs a getAll answers, asserting the 200. */
  const listed = async (tokens: Tokens, filter: Record<string, unknown> = {}) => {
    const answer = await getAll(tokens, filter);
    expectJsonAnswer(answer, 200);
    return answer.body.LoyaltyPrograms as Program[];
  };
  const codes = (programs: Program[]) => programs.map((p) => p.Code);
  const allStates = { ActivityStates: ['Active', 'Deleted'] };

  describe('add', () => {
    it('answers the added program with every field, the defaults Unknown and Free, a lowercase UUID and the token\'s chain', async () => {
      const answer = await add(gross, [{ Name: 'Club', Code: 'C1' }]);
      expectJsonAnswer(answer, 200);
      expect(Object.keys(answer.body)).toEqual(['LoyaltyPrograms']);
      const [program] = answer.body.LoyaltyPrograms;
      expect(program).toEqual({ Id: expect.any(String), ChainId: grossChainId, Name: 'Club', Code: 'C1', Type: 'Unknown', Subscription: 'Free' });
      expect(isLowercaseUuid(program.Id)).toBe(true);
      expect(await listed(gross)).toEqual([program]);
    });

    it('answers several programs in request order, each with its own id and the values sent', async () => {
      const programs = await added(gross, [
        { Name: 'Hotel Club', Code: 'H', Type: 'Hotel', Subscription: 'Paid' },
        { Name: 'Partner Club', Code: 'P', Type: 'ExternalPartner', Subscription: 'Free' },
        { Name: 'Soft Brand', Code: 'S', Type: 'SoftBrand' },
        { Name: 'Plain', Code: 'U', Type: 'Unknown', Subscription: 'Paid' },
        { Name: 'Nulls', Code: 'N', Type: null as unknown as string, Subscription: null as unknown as string },
      ]);
      expect(programs.map(({ Id: _id, ...rest }) => rest)).toEqual([
        { ChainId: grossChainId, Name: 'Hotel Club', Code: 'H', Type: 'Hotel', Subscription: 'Paid' },
        { ChainId: grossChainId, Name: 'Partner Club', Code: 'P', Type: 'ExternalPartner', Subscription: 'Free' },
        { ChainId: grossChainId, Name: 'Soft Brand', Code: 'S', Type: 'SoftBrand', Subscription: 'Free' },
        { ChainId: grossChainId, Name: 'Plain', Code: 'U', Type: 'Unknown', Subscription: 'Paid' },
        { ChainId: grossChainId, Name: 'Nulls', Code: 'N', Type: 'Unknown', Subscription: 'Free' },
      ]);
      expect(programs.every((p) => isLowercaseUuid(p.Id))).toBe(true);
      expect(new Set(programs.map((p) => p.Id)).size).toBe(5);
      // Newest first: the last item of the batch comes first.
      expect(await listed(gross)).toEqual([...programs].reverse());
    });

    it('accepts the published example request as written (foreign ChainId ignored, DataClusterId ignored)', async () => {
      const answer = await t.call('loyaltyPrograms/add', {
        ...sampleClient,
        LoyaltyPrograms: [{ Name: 'Platinum Club', Code: 'PC01', Type: 'Hotel', Subscription: 'Free' }],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        DataClusterId: 'd1',
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({
        LoyaltyPrograms: [{ Id: expect.any(String), ChainId: grossChainId, Name: 'Platinum Club', Code: 'PC01', Type: 'Hotel', Subscription: 'Free' }],
      });
      expect(isLowercaseUuid(answer.body.LoyaltyPrograms[0].Id)).toBe(true);
    });

    it('accepts a Name of 100 characters and a Code of 50', async () => {
      const [program] = await added(gross, [{ Name: 'n'.repeat(100), Code: 'c'.repeat(50) }]);
      expect(program!.Name).toBe('n'.repeat(100));
      expect(program!.Code).toBe('c'.repeat(50));
    });

    it.each([
      ['a Name of 101 characters', { Name: 'n'.repeat(101), Code: 'C' }, 'LoyaltyPrograms[0].Name'],
      ['an empty Name', { Name: '', Code: 'C' }, 'LoyaltyPrograms[0].Name'],
      ['a missing Name', { Code: 'C' }, 'LoyaltyPrograms[0].Name'],
      ['a null Name', { Name: null, Code: 'C' }, 'LoyaltyPrograms[0].Name'],
      ['a number for Name', { Name: 5, Code: 'C' }, 'LoyaltyPrograms[0].Name'],
      ['a Code of 51 characters', { Name: 'N', Code: 'c'.repeat(51) }, 'LoyaltyPrograms[0].Code'],
      ['an empty Code', { Name: 'N', Code: '' }, 'LoyaltyPrograms[0].Code'],
      ['a missing Code', { Name: 'N' }, 'LoyaltyPrograms[0].Code'],
      ['a number for Code', { Name: 'N', Code: 1 }, 'LoyaltyPrograms[0].Code'],
      ['an invalid Type', { Name: 'N', Code: 'C', Type: 'Resort' }, 'LoyaltyPrograms[0].Type'],
      ['a Type in another case', { Name: 'N', Code: 'C', Type: 'hotel' }, 'LoyaltyPrograms[0].Type'],
      ['a number for Type', { Name: 'N', Code: 'C', Type: 1 }, 'LoyaltyPrograms[0].Type'],
      ['an invalid Subscription', { Name: 'N', Code: 'C', Subscription: 'Premium' }, 'LoyaltyPrograms[0].Subscription'],
      ['a boolean for Subscription', { Name: 'N', Code: 'C', Subscription: true }, 'LoyaltyPrograms[0].Subscription'],
      ['an item that is not an object', 'Club', 'LoyaltyPrograms[0]'],
    ])('answers 400 naming the field for %s, and writes nothing', async (_label, item, field) => {
      const answer = await add(gross, [item]);
      expectError(answer, 400, field);
      expect(await listed(gross, allStates)).toEqual([]);
    });

    it('names the index of the invalid item', async () => {
      const answer = await add(gross, [{ Name: 'A', Code: 'A' }, { Name: 'B', Code: 'B' }, { Name: 'C', Code: 'c'.repeat(51) }]);
      expectError(answer, 400, 'LoyaltyPrograms[2].Code');
      expect(await listed(gross, allStates)).toEqual([]);
    });

    it.each([
      ['no items', { LoyaltyPrograms: [] }],
      ['1001 items', { LoyaltyPrograms: Array.from({ length: 1001 }, (_, i) => ({ Name: `P${i}`, Code: `P${i}` })) }],
      ['no LoyaltyPrograms', {}],
      ['LoyaltyPrograms null', { LoyaltyPrograms: null }],
      ['LoyaltyPrograms as an object', { LoyaltyPrograms: { Name: 'A', Code: 'A' } }],
    ])('answers 400 for %s, and writes nothing', async (_label, extra) => {
      const answer = await t.call('loyaltyPrograms/add', { ...gross, ...extra });
      expectError(answer, 400, 'LoyaltyPrograms');
      expect(await listed(gross, allStates)).toEqual([]);
    });

    it('adds 1000 programs in one request', async () => {
      const programs = await added(gross, Array.from({ length: 1000 }, (_, i) => ({ Code: `P${i}` })));
      expect(programs.map((p) => p.Code)).toEqual(Array.from({ length: 1000 }, (_, i) => `P${i}`));
      expect(await listed(gross)).toHaveLength(1000);
    });

    it('writes nothing of a batch whose last item breaks the schema', async () => {
      const answer = await add(gross, [{ Name: 'A', Code: 'A' }, { Name: 'B', Code: 'B' }, { Name: 'C', Code: 'C', Type: 'Bogus' }]);
      expectError(answer, 400, 'LoyaltyPrograms[2].Type');
      expect(await listed(gross, allStates)).toEqual([]);
    });

    it('writes nothing of a batch whose last item repeats an active Code (403 naming the item)', async () => {
      const [existing] = await added(gross, [{ Code: 'TAKEN' }]);
      const answer = await add(gross, [{ Name: 'A', Code: 'A' }, { Name: 'B', Code: 'B' }, { Name: 'C', Code: 'TAKEN' }]);
      expectError(answer, 403, 'LoyaltyPrograms[2]');
      expect(await listed(gross, allStates)).toEqual([existing]);
    });

    it('writes nothing of a batch that repeats a Code within itself (403 naming the item)', async () => {
      const answer = await add(gross, [{ Name: 'A', Code: 'A' }, { Name: 'B', Code: 'B' }, { Name: 'A again', Code: 'A' }]);
      expectError(answer, 403, 'LoyaltyPrograms[2]');
      expect(await listed(gross, allStates)).toEqual([]);
    });

    it('keeps a Code unique among the active programs of a chain, not across chains, and frees it on delete', async () => {
      const [first] = await added(gross, [{ Code: 'GOLD' }]);
      expectError(await add(gross, [{ Name: 'Gold again', Code: 'GOLD' }]), 403, 'LoyaltyPrograms[0]');
      // Another token of the same chain is refused too.
      expectError(await add(grossClient2, [{ Name: 'Gold again', Code: 'GOLD' }]), 403);
      // The same Code in another chain is fine.
      const [inNet] = await added(net, [{ Code: 'GOLD' }]);
      expect(inNet!.ChainId).toBe(netChainId);
      // Once the first is deleted, the Code is free again in its chain.
      expectJsonAnswer(await remove(gross, [first!.Id]), 200);
      const [second] = await added(gross, [{ Name: 'Gold reborn', Code: 'GOLD' }]);
      expect(second!.Id).not.toBe(first!.Id);
      expect(await listed(gross, { Codes: ['GOLD'], ...allStates })).toEqual([second, first]);
      expect(await listed(gross, { Codes: ['GOLD'] })).toEqual([second]);
    });
  });

  describe('update', () => {
    it('sets Name, Type and Subscription and keeps Code', async () => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1', Type: 'Hotel', Subscription: 'Free' }]);
      const answer = await update(gross, [{
        LoyaltyProgramId: program!.Id, Name: { Value: 'Club Extra' }, Type: { Value: 'SoftBrand' }, Subscription: { Value: 'Paid' },
      }]);
      expectJsonAnswer(answer, 200);
      const expected = { ...program, Name: 'Club Extra', Type: 'SoftBrand', Subscription: 'Paid' };
      expect(answer.body).toEqual({ LoyaltyPrograms: [expected] });
      expect(await listed(gross)).toEqual([expected]);
    });

    it('keeps a property that is null or omitted', async () => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1', Type: 'Hotel', Subscription: 'Paid' }]);
      const answer = await update(gross, [{ LoyaltyProgramId: program!.Id, Name: null, Subscription: { Value: 'Free' } }]);
      expectJsonAnswer(answer, 200);
      const expected = { ...program, Subscription: 'Free' };
      expect(answer.body.LoyaltyPrograms).toEqual([expected]);
      const untouched = await update(gross, [{ LoyaltyProgramId: program!.Id }]);
      expectJsonAnswer(untouched, 200);
      expect(untouched.body.LoyaltyPrograms).toEqual([expected]);
      expect(await listed(gross)).toEqual([expected]);
    });

    it('ignores a Code sent in an update: a Code cannot be updated', async () => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1' }]);
      const answer = await update(gross, [{ LoyaltyProgramId: program!.Id, Code: { Value: 'C2' }, Name: { Value: 'Renamed' } }]);
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyPrograms).toEqual([{ ...program, Name: 'Renamed' }]);
      expect(codes(await listed(gross))).toEqual(['C1']);
      expect(await listed(gross, { Codes: ['C2'] })).toEqual([]);
    });

    it('answers several updates in request order', async () => {
      const [a, b, c] = await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      const answer = await update(gross, [
        { LoyaltyProgramId: c!.Id, Name: { Value: 'C!' } },
        { LoyaltyProgramId: a!.Id, Type: { Value: 'Hotel' } },
        { LoyaltyProgramId: b!.Id, Subscription: { Value: 'Paid' } },
      ]);
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyPrograms).toEqual([{ ...c, Name: 'C!' }, { ...a, Type: 'Hotel' }, { ...b, Subscription: 'Paid' }]);
    });

    it.each([
      ['{ "Value": null } on Name', { Name: { Value: null } }, 'LoyaltyProgramUpdates[0].Name'],
      ['{ "Value": null } on Type', { Type: { Value: null } }, 'LoyaltyProgramUpdates[0].Type'],
      ['{ "Value": null } on Subscription', { Subscription: { Value: null } }, 'LoyaltyProgramUpdates[0].Subscription'],
      ['an empty Name', { Name: { Value: '' } }, 'LoyaltyProgramUpdates[0].Name'],
      ['a Name of 101 characters', { Name: { Value: 'n'.repeat(101) } }, 'LoyaltyProgramUpdates[0].Name'],
      ['a Name that is a bare string', { Name: 'Bare' }, 'LoyaltyProgramUpdates[0].Name'],
      ['a number for Name', { Name: { Value: 7 } }, 'LoyaltyProgramUpdates[0].Name'],
      ['an invalid Type', { Type: { Value: 'Resort' } }, 'LoyaltyProgramUpdates[0].Type'],
      ['an invalid Subscription', { Subscription: { Value: 'Premium' } }, 'LoyaltyProgramUpdates[0].Subscription'],
    ])('answers 400 for %s and changes nothing', async (_label, change, field) => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1', Type: 'Hotel', Subscription: 'Paid' }]);
      const answer = await update(gross, [{ LoyaltyProgramId: program!.Id, ...change }]);
      expectError(answer, 400, field);
      expect(await listed(gross)).toEqual([program]);
    });

    it.each([
      ['a missing LoyaltyProgramId', {}, 'LoyaltyProgramUpdates[0].LoyaltyProgramId'],
      ['a LoyaltyProgramId that is not a UUID', { LoyaltyProgramId: 'program-1' }, 'LoyaltyProgramUpdates[0].LoyaltyProgramId'],
    ])('answers 400 for %s', async (_label, item, field) => {
      const answer = await update(gross, [{ ...item, Name: { Value: 'X' } }]);
      expectError(answer, 400, field);
    });

    it.each([
      ['no updates', { LoyaltyProgramUpdates: [] }],
      ['1001 updates', { LoyaltyProgramUpdates: Array.from({ length: 1001 }, () => ({ LoyaltyProgramId: unknownId })) }],
      ['no LoyaltyProgramUpdates', {}],
    ])('answers 400 for %s', async (_label, extra) => {
      const answer = await t.call('loyaltyPrograms/update', { ...gross, ...extra });
      expectError(answer, 400, 'LoyaltyProgramUpdates');
    });

    it('answers 400 Invalid LoyaltyProgramId for an unknown id', async () => {
      const answer = await update(gross, [{ LoyaltyProgramId: unknownId, Name: { Value: 'X' } }]);
      expectError(answer, 400, 'Invalid LoyaltyProgramId');
    });

    it('answers the published update example (an id that does not exist here) with 400 Invalid LoyaltyProgramId', async () => {
      const answer = await t.call('loyaltyPrograms/update', {
        ...sampleClient,
        LoyaltyProgramUpdates: [{
          LoyaltyProgramId: 'f701dafb-5765-4cf4-b1dd-1f602a740ae5',
          Name: { Value: 'Platinum Club Extra' }, Type: { Value: 'Hotel' }, Subscription: { Value: 'Free' },
        }],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      });
      expectError(answer, 400, 'Invalid LoyaltyProgramId');
    });

    it('answers 400 Invalid LoyaltyProgramId for a program of another chain, and leaves it alone', async () => {
      const [netProgram] = await added(net, [{ Name: 'Net Club', Code: 'N1' }]);
      const answer = await update(gross, [{ LoyaltyProgramId: netProgram!.Id, Name: { Value: 'Hijacked' } }]);
      expectError(answer, 400, 'Invalid LoyaltyProgramId');
      expect(await listed(net)).toEqual([netProgram]);
    });

    it('answers 400 Invalid LoyaltyProgramId for a deleted program, and leaves it alone', async () => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1' }]);
      expectJsonAnswer(await remove(gross, [program!.Id]), 200);
      const answer = await update(gross, [{ LoyaltyProgramId: program!.Id, Name: { Value: 'Revived' } }]);
      expectError(answer, 400, 'Invalid LoyaltyProgramId');
      expect(await listed(gross, { ActivityStates: ['Deleted'] })).toEqual([program]);
    });

    it('writes nothing of a batch whose last item names an unknown program, and names that item', async () => {
      const [a, b] = await added(gross, [{ Name: 'A', Code: 'A' }, { Name: 'B', Code: 'B' }]);
      const answer = await update(gross, [
        { LoyaltyProgramId: a!.Id, Name: { Value: 'A changed' } },
        { LoyaltyProgramId: b!.Id, Name: { Value: 'B changed' } },
        { LoyaltyProgramId: unknownId, Name: { Value: 'X' } },
      ]);
      expectError(answer, 400, 'Invalid LoyaltyProgramId');
      expect(answer.body.Message).toMatch(new RegExp(`LoyaltyProgramUpdates\\[2\\]|${unknownId}`));
      expect(await listed(gross)).toEqual([b, a]);
    });

    it('writes nothing of a batch whose last item breaks the schema', async () => {
      const [a] = await added(gross, [{ Name: 'A', Code: 'A' }]);
      const answer = await update(gross, [
        { LoyaltyProgramId: a!.Id, Name: { Value: 'A changed' } },
        { LoyaltyProgramId: a!.Id, Type: { Value: 'Bogus' } },
      ]);
      expectError(answer, 400, 'LoyaltyProgramUpdates[1].Type');
      expect(await listed(gross)).toEqual([a]);
    });

    it('finds a program by its id in upper case', async () => {
      const [program] = await added(gross, [{ Name: 'Club', Code: 'C1' }]);
      const answer = await update(gross, [{ LoyaltyProgramId: program!.Id.toUpperCase(), Name: { Value: 'Upper' } }]);
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyPrograms).toEqual([{ ...program, Name: 'Upper' }]);
    });
  });

  describe('delete', () => {
    it('deletes softly: the program comes back for Deleted, not for Active or by default', async () => {
      const [a, b] = await added(gross, [{ Name: 'A', Code: 'A', Type: 'Hotel', Subscription: 'Paid' }, { Name: 'B', Code: 'B' }]);
      const answer = await remove(gross, [a!.Id]);
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({});
      expect(await listed(gross)).toEqual([b]);
      expect(await listed(gross, { ActivityStates: ['Active'] })).toEqual([b]);
      expect(await listed(gross, { ActivityStates: ['Deleted'] })).toEqual([a]);
      expect(await listed(gross, { ActivityStates: ['Deleted', 'Active'] })).toEqual([b, a]);
      expect(await listed(gross, { ActivityStates: null })).toEqual([b]);
    });

    it('deletes several programs at once, by ids in any case', async () => {
      const [a, b, c] = await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      const answer = await remove(gross, [a!.Id, c!.Id.toUpperCase()]);
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({});
      expect(await listed(gross)).toEqual([b]);
      expect(await listed(gross, { ActivityStates: ['Deleted'] })).toEqual([c, a]);
    });

    it('answers 400 for an unknown id and deletes nothing of the batch', async () => {
      const [a] = await added(gross, [{ Code: 'A' }]);
      const answer = await remove(gross, [a!.Id, unknownId]);
      expectError(answer, 400, 'LoyaltyProgramIds');
      expect(answer.body.Message).toMatch(new RegExp(`LoyaltyProgramIds\\[1\\]|${unknownId}`));
      expect(await listed(gross)).toEqual([a]);
      expect(await listed(gross, { ActivityStates: ['Deleted'] })).toEqual([]);
    });

    it('answers 400 for a program already deleted', async () => {
      const [a] = await added(gross, [{ Code: 'A' }]);
      expectJsonAnswer(await remove(gross, [a!.Id]), 200);
      expectError(await remove(gross, [a!.Id]), 400, 'LoyaltyProgramIds');
    });

    it('answers 400 for a program of another chain and leaves it alone', async () => {
      const [netProgram] = await added(net, [{ Code: 'N' }]);
      expectError(await remove(gross, [netProgram!.Id]), 400, 'LoyaltyProgramIds');
      expect(await listed(net)).toEqual([netProgram]);
    });

    it.each([
      ['no ids', []],
      ['an id that is not a UUID', ['program-1']],
      ['a number', [5]],
      ['1001 ids', Array.from({ length: 1001 }, () => unknownId)],
    ])('answers 400 for %s', async (_label, ids) => {
      expectError(await remove(gross, ids), 400, 'LoyaltyProgramIds');
    });

    it('answers the published delete example (ids that do not exist here) with 400', async () => {
      const answer = await t.call('loyaltyPrograms/delete', {
        ...sampleClient,
        LoyaltyProgramIds: ['f701dafb-5765-4cf4-b1dd-1f602a740ae5', 'da34b396-41f7-47f6-8847-aecf00a3f19e'],
      });
      expectError(answer, 400, 'LoyaltyProgramIds');
    });
  });

  describe('getAll filters', () => {
    it('filters by LoyaltyProgramIds, in either case, newest first', async () => {
      const [a, b, c] = await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      expect(await listed(gross, { LoyaltyProgramIds: [a!.Id, c!.Id] })).toEqual([c, a]);
      expect(await listed(gross, { LoyaltyProgramIds: [a!.Id.toUpperCase(), c!.Id.toUpperCase()] })).toEqual([c, a]);
      expect(await listed(gross, { LoyaltyProgramIds: [b!.Id.toUpperCase()] })).toEqual([b]);
      expect(await listed(gross, { LoyaltyProgramIds: [unknownId] })).toEqual([]);
    });

    it('answers 400 for a LoyaltyProgramIds item that is not a UUID', async () => {
      expectError(await getAll(gross, { LoyaltyProgramIds: ['abc'] }), 400, 'LoyaltyProgramIds[0]');
    });

    it('filters by Codes', async () => {
      await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      expect(codes(await listed(gross, { Codes: ['A', 'C'] }))).toEqual(['C', 'A']);
      expect(codes(await listed(gross, { Codes: ['B', 'Z'] }))).toEqual(['B']);
      expect(await listed(gross, { Codes: ['Z'] })).toEqual([]);
    });

    it('combines filters', async () => {
      const [a, b] = await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      expectJsonAnswer(await remove(gross, [a!.Id]), 200);
      expect(await listed(gross, { Codes: ['A', 'B'] })).toEqual([b]);
      expect(await listed(gross, { Codes: ['A', 'B'], ActivityStates: ['Deleted'] })).toEqual([a]);
      expect(await listed(gross, { Codes: ['A'], LoyaltyProgramIds: [b!.Id] })).toEqual([]);
    });

    it.each([
      ['an unknown ActivityState', { ActivityStates: ['Archived'] }, 'ActivityStates[0]'],
      ['a Codes item that is not a string', { Codes: [1] }, 'Codes[0]'],
      ['1001 Codes', { Codes: Array.from({ length: 1001 }, (_, i) => `C${i}`) }, 'Codes'],
      ['1001 LoyaltyProgramIds', { LoyaltyProgramIds: Array.from({ length: 1001 }, () => unknownId) }, 'LoyaltyProgramIds'],
    ])('answers 400 for %s', async (_label, filter, field) => {
      expectError(await getAll(gross, filter), 400, field);
    });

    describe('CreatedUtc and UpdatedUtc', () => {
      let a: Program, b: Program, c: Program;
      beforeEach(async () => {
        [a] = (await at('2024-01-10T00:00:00.000Z', () => added(gross, [{ Code: 'A' }]))) as [Program];
        [b] = (await at('2024-01-15T12:00:00.000Z', () => added(gross, [{ Code: 'B' }]))) as [Program];
        [c] = (await at('2024-01-20T00:00:00.000Z', () => added(gross, [{ Code: 'C' }]))) as [Program];
      });
      const created = (StartUtc: string, EndUtc: string) => listed(gross, { CreatedUtc: { StartUtc, EndUtc } });

      it('includes a record created exactly at StartUtc and excludes one created exactly at EndUtc', async () => {
        expect(await created('2024-01-10T00:00:00Z', '2024-01-20T00:00:00Z')).toEqual([b, a]);
        expect(await created('2024-01-10T00:00:01Z', '2024-01-20T00:00:01Z')).toEqual([c, b]);
        expect(await created('2024-01-09T23:59:59Z', '2024-01-10T00:00:00Z')).toEqual([]);
        expect(await created('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z')).toEqual([c, b, a]);
      });

      it('treats StartUtc equal to EndUtc as equality', async () => {
        expect(await created('2024-01-15T12:00:00Z', '2024-01-15T12:00:00Z')).toEqual([b]);
        expect(await created('2024-01-10T00:00:00.000Z', '2024-01-10T00:00:00.000Z')).toEqual([a]);
        expect(await created('2024-01-15T12:00:01Z', '2024-01-15T12:00:01Z')).toEqual([]);
        expect(await created('2024-01-15T11:59:59Z', '2024-01-15T11:59:59Z')).toEqual([]);
      });

      it('accepts an interval of exactly three months and refuses a longer one', async () => {
        expect(await created('2024-01-10T00:00:00Z', '2024-04-10T00:00:00Z')).toEqual([c, b, a]);
        const longer = await getAll(gross, { CreatedUtc: { StartUtc: '2024-01-10T00:00:00Z', EndUtc: '2024-04-10T00:00:01Z' } });
        expectError(longer, 400, 'CreatedUtc');
        const muchLonger = await getAll(gross, { UpdatedUtc: { StartUtc: '2023-01-01T00:00:00Z', EndUtc: '2024-01-01T00:00:00Z' } });
        expectError(muchLonger, 400, 'UpdatedUtc');
      });

      it('answers 400 for StartUtc after EndUtc', async () => {
        const answer = await getAll(gross, { CreatedUtc: { StartUtc: '2024-01-20T00:00:00Z', EndUtc: '2024-01-10T00:00:00Z' } });
        expectError(answer, 400, 'CreatedUtc');
        const updated = await getAll(gross, { UpdatedUtc: { StartUtc: '2024-01-10T00:00:01Z', EndUtc: '2024-01-10T00:00:00Z' } });
        expectError(updated, 400, 'UpdatedUtc');
      });

      it.each([
        ['words', { StartUtc: 'yesterday', EndUtc: '2024-01-10T00:00:00Z' }, 'CreatedUtc.StartUtc'],
        ['a month 13', { StartUtc: '2024-01-01T00:00:00Z', EndUtc: '2024-13-01T00:00:00Z' }, 'CreatedUtc.EndUtc'],
        ['February 30', { StartUtc: '2024-02-30T00:00:00Z', EndUtc: '2024-03-01T00:00:00Z' }, 'CreatedUtc.StartUtc'],
        ['an empty string', { StartUtc: '', EndUtc: '2024-03-01T00:00:00Z' }, 'CreatedUtc.StartUtc'],
        ['a hour 25', { StartUtc: '2024-01-01T25:00:00Z', EndUtc: '2024-01-02T00:00:00Z' }, 'CreatedUtc.StartUtc'],
        ['a missing EndUtc', { StartUtc: '2024-01-01T00:00:00Z' }, 'CreatedUtc.EndUtc'],
        ['a number', { StartUtc: 1704067200000, EndUtc: '2024-01-02T00:00:00Z' }, 'CreatedUtc.StartUtc'],
      ])('answers 400 for an unparsable value: %s', async (_label, interval, field) => {
        expectError(await getAll(gross, { CreatedUtc: interval }), 400, field);
      });

      it('filters by UpdatedUtc, which update and delete move and CreatedUtc does not', async () => {
        await at('2024-02-01T00:00:00.000Z', async () => {
          expectJsonAnswer(await update(gross, [{ LoyaltyProgramId: a.Id, Name: { Value: 'A updated' } }]), 200);
        });
        await at('2024-03-01T00:00:00.000Z', async () => {
          expectJsonAnswer(await remove(gross, [b.Id]), 200);
        });
        const updated = (StartUtc: string, EndUtc: string, extra: Record<string, unknown> = {}) =>
          listed(gross, { UpdatedUtc: { StartUtc, EndUtc }, ...extra });
        const aUpdated = { ...a, Name: 'A updated' };
        expect(await updated('2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z')).toEqual([aUpdated]);
        expect(await updated('2024-01-10T00:00:00Z', '2024-02-01T00:00:00Z')).toEqual([c]);
        expect(await updated('2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z')).toEqual([aUpdated]);
        expect(await updated('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', allStates)).toEqual([b]);
        expect(await updated('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z')).toEqual([]);
        // CreatedUtc stays where it was.
        expect(await created('2024-01-10T00:00:00Z', '2024-01-10T00:00:00Z')).toEqual([aUpdated]);
        expect(await listed(gross, {
          CreatedUtc: { StartUtc: '2024-01-10T00:00:00Z', EndUtc: '2024-01-21T00:00:00Z' },
          UpdatedUtc: { StartUtc: '2024-01-20T00:00:00Z', EndUtc: '2024-02-20T00:00:00Z' },
        })).toEqual([c, aUpdated]);
      });
    });

    it.each([
      ['Count 0', { Count: 0 }, 'Limitation.Count'],
      ['Count 1001', { Count: 1001 }, 'Limitation.Count'],
      ['Count -1', { Count: -1 }, 'Limitation.Count'],
      ['Count 1.5', { Count: 1.5 }, 'Limitation.Count'],
      ['Count "5"', { Count: '5' }, 'Limitation.Count'],
      ['a missing Count', {}, 'Limitation.Count'],
      ['a null Count', { Count: null }, 'Limitation.Count'],
    ])('answers 400 for a Limitation with %s', async (_label, limitation, field) => {
      expectError(await getAll(gross, { Limitation: limitation }), 400, field);
    });

    it.each([
      ['missing', {}],
      ['null', { Limitation: null }],
    ])('answers 400 for a Limitation that is %s', async (_label, extra) => {
      const answer = await t.call('loyaltyPrograms/getAll', { ...gross, ...extra });
      expectError(answer, 400, 'Limitation');
    });

    it('accepts Count 1 and Count 1000', async () => {
      const [a, b] = await added(gross, [{ Code: 'A' }, { Code: 'B' }]);
      const one = await getAll(gross, { Limitation: { Count: 1 } });
      expectJsonAnswer(one, 200);
      expect(one.body).toEqual({ LoyaltyPrograms: [b], Cursor: b!.Id });
      const many = await getAll(gross, { Limitation: { Count: 1000 } });
      expectJsonAnswer(many, 200);
      expect(many.body).toEqual({ LoyaltyPrograms: [b, a], Cursor: a!.Id });
    });
  });

  describe('pagination', () => {
    const walk = async (tokens: Tokens, count: number, filter: Record<string, unknown> = {}, between?: (page: number) => Promise<void>) => {
      const pages: Program[][] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < 50; page++) {
        const answer = await getAll(tokens, { ...filter, Limitation: { Count: count, ...(cursor ? { Cursor: cursor } : {}) } });
        expectJsonAnswer(answer, 200);
        const items = answer.body.LoyaltyPrograms as Program[];
        expect(items.length).toBeLessThanOrEqual(count);
        expect(answer.body.Cursor).toBe(items.length ? items.at(-1)!.Id : null);
        if (items.length === 0) return pages;
        pages.push(items);
        cursor = answer.body.Cursor;
        await between?.(page);
      }
      throw new Error('the walk did not end');
    };

    it('walks 25 programs newest first in pages of 7, each exactly once, ending with an empty page and a null Cursor', async () => {
      const programs: Program[] = [];
      for (let i = 0; i < 25; i++) programs.push(...await added(gross, [{ Code: `P${String(i).padStart(2, '0')}` }]));
      const pages = await walk(gross, 7);
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
      expect(pages.flat()).toEqual([...programs].reverse());
    });

    it('does not shift the pages when programs are added during the walk, nor show them', async () => {
      const programs: Program[] = [];
      for (let i = 0; i < 25; i++) programs.push(...await added(gross, [{ Code: `P${i}` }]));
      const addedDuring: Program[] = [];
      const pages = await walk(gross, 7, {}, async (page) => {
        addedDuring.push(...await added(gross, [{ Code: `NEW${page}a` }, { Code: `NEW${page}b` }]));
      });
      expect(addedDuring).toHaveLength(8);
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
      expect(pages.flat()).toEqual([...programs].reverse());
      // A new walk sees the new programs first.
      const fresh = (await walk(gross, 1000)).flat();
      expect(fresh).toEqual([...addedDuring].reverse().concat([...programs].reverse()));
    });

    it('pages a filtered list', async () => {
      const programs: Program[] = [];
      for (let i = 0; i < 10; i++) programs.push(...await added(gross, [{ Code: `P${i}` }]));
      expectJsonAnswer(await remove(gross, [programs[1]!.Id, programs[5]!.Id]), 200);
      const pages = await walk(gross, 3);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
      expect(pages.flat()).toEqual([...programs].reverse().filter((p) => p !== programs[1] && p !== programs[5]));
      const deleted = await walk(gross, 1, { ActivityStates: ['Deleted'] });
      expect(deleted.flat()).toEqual([programs[5], programs[1]]);
    });

    it('takes the Cursor in upper case', async () => {
      const [a, b, c] = await added(gross, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      const answer = await getAll(gross, { Limitation: { Count: 5, Cursor: c!.Id.toUpperCase() } });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({ LoyaltyPrograms: [b, a], Cursor: a!.Id });
    });

    it('answers 400 for an unknown (well-formed) cursor', async () => {
      await added(gross, [{ Code: 'A' }]);
      expectError(await getAll(gross, { Limitation: { Count: 5, Cursor: unknownId } }), 400, 'Cursor');
    });

    it('answers 400 for a cursor that is a program of another chain', async () => {
      await added(gross, [{ Code: 'A' }]);
      const [netProgram] = await added(net, [{ Code: 'N' }]);
      expectError(await getAll(gross, { Limitation: { Count: 5, Cursor: netProgram!.Id } }), 400, 'Cursor');
    });

    it.each(['abc', '6f1c2b9e3d4a4b5c8d6e7f8091a2b3c4', '', '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4-0'])(
      'answers 400 for the non-UUID cursor %j',
      async (cursor) => {
        expectError(await getAll(gross, { Limitation: { Count: 5, Cursor: cursor } }), 400, 'Limitation.Cursor');
      },
    );
  });

  describe('tenancy', () => {
    it('keeps chains apart: another chain\'s token never sees, updates or deletes a program', async () => {
      const [grossProgram] = await added(gross, [{ Name: 'Gross Club', Code: 'G' }]);
      const [netProgram] = await added(net, [{ Name: 'Net Club', Code: 'N' }]);
      expect(await listed(net, allStates)).toEqual([netProgram]);
      expect(await listed(net, { LoyaltyProgramIds: [grossProgram!.Id] })).toEqual([]);
      expect(await listed(net, { Codes: ['G'] })).toEqual([]);
      expectError(await update(net, [{ LoyaltyProgramId: grossProgram!.Id, Name: { Value: 'Stolen' } }]), 400, 'Invalid LoyaltyProgramId');
      expectError(await remove(net, [grossProgram!.Id]), 400, 'LoyaltyProgramIds');
      // Exactly as for an id that does not exist.
      const unknownUpdate = await update(net, [{ LoyaltyProgramId: unknownId, Name: { Value: 'Stolen' } }]);
      expectError(unknownUpdate, 400, 'Invalid LoyaltyProgramId');
      expect(await listed(gross, allStates)).toEqual([grossProgram]);
      // Every token of the same chain sees the chain's programs.
      expect(await listed(grossClient2)).toEqual([grossProgram]);
    });

    it('ignores ChainId and ChainIds for a single-enterprise token', async () => {
      const [program] = await added(gross, [{ Code: 'A' }], { ChainId: netChainId });
      expect(program!.ChainId).toBe(grossChainId);
      expect(await listed(net)).toEqual([]);
      const updated = await update(gross, [{ LoyaltyProgramId: program!.Id, Name: { Value: 'Still gross' } }], { ChainId: foreignChainId });
      expectJsonAnswer(updated, 200);
      expect(updated.body.LoyaltyPrograms).toEqual([{ ...program, Name: 'Still gross' }]);
      expect(await listed(gross, { ChainIds: [netChainId, foreignChainId] })).toEqual([{ ...program, Name: 'Still gross' }]);
      expect(await listed(net, { ChainIds: [grossChainId] })).toEqual([]);
    });

    it('answers the published getAll example, foreign ChainIds included, with 200 and the token\'s own programs only', async () => {
      const [mine] = await at('2022-10-07T00:00:00.000Z', () => added(gross, [{ Name: 'Platinum Club', Code: 'PC01', Type: 'Hotel' }]));
      await at('2022-10-07T00:00:00.000Z', () => added(net, [{ Name: 'Platinum Club', Code: 'PC01' }]));
      await at('2022-10-12T00:00:00.000Z', async () => {
        expectJsonAnswer(await update(gross, [{ LoyaltyProgramId: mine!.Id, Subscription: { Value: 'Free' } }]), 200);
      });
      const example = {
        ...sampleClient,
        ChainIds: ['3fa85f64-5717-4562-b3fc-2c963f66afa6', '5fcd1933-22f2-40b9-84da-7db04cbecec2'],
        CreatedUtc: { StartUtc: '2022-10-05T00:00:00Z', EndUtc: '2022-10-10T00:00:00Z' },
        UpdatedUtc: { StartUtc: '2022-10-10T00:00:00Z', EndUtc: '2022-10-17T00:00:00Z' },
        LoyaltyProgramIds: ['f701dafb-5765-4cf4-b1dd-1f602a740ae5', 'da34b396-41f7-47f6-8847-aecf00a3f19e'],
        ActivityStates: ['Active'],
        Codes: ['PC01', 'GEC07'],
        Limitation: { Count: 100 },
      };
      const asWritten = await t.call('loyaltyPrograms/getAll', example);
      expectJsonAnswer(asWritten, 200);
      expect(asWritten.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
      // Without the published ids (which cannot exist here), the same filters find the gross program only.
      const { LoyaltyProgramIds: _ids, ...withoutIds } = example;
      const found = await t.call('loyaltyPrograms/getAll', withoutIds);
      expectJsonAnswer(found, 200);
      expect(found.body).toEqual({ LoyaltyPrograms: [mine], Cursor: mine!.Id });
    });

    describe('portfolio token', () => {
      it.each([
        ['without ChainId', {}],
        ['with a null ChainId', { ChainId: null }],
        ['with a ChainId outside its scope', { ChainId: netChainId }],
        ['with an unknown ChainId', { ChainId: foreignChainId }],
      ])('answers add %s with 400 naming ChainId, and writes nothing', async (_label, extra) => {
        expectError(await add(portfolio, [{ Name: 'P', Code: 'P' }], extra), 400, 'ChainId');
        expect(await listed(portfolio, allStates)).toEqual([]);
        expect(await listed(net, allStates)).toEqual([]);
      });

      it('answers add with a ChainId that is not a UUID with 400', async () => {
        expectError(await add(portfolio, [{ Name: 'P', Code: 'P' }], { ChainId: 'gross' }), 400, 'ChainId');
      });

      it('adds to the chain it names, in scope', async () => {
        const [inGross] = await added(portfolio, [{ Code: 'G' }], { ChainId: grossChainId });
        const [inThird] = await added(portfolio, [{ Code: 'T' }], { ChainId: thirdChainId.toUpperCase() });
        expect(inGross!.ChainId).toBe(grossChainId);
        expect(inThird!.ChainId).toBe(thirdChainId);
        expect(await listed(gross)).toEqual([inGross]);
        expect(await listed(third)).toEqual([inThird]);
        // The Code rule holds per chain for a portfolio token too.
        expectError(await add(portfolio, [{ Name: 'G again', Code: 'G' }], { ChainId: grossChainId }), 403, 'LoyaltyPrograms[0]');
        await added(portfolio, [{ Code: 'G' }], { ChainId: thirdChainId });
      });

      it.each([
        ['without ChainId', {}],
        ['with a ChainId outside its scope', { ChainId: netChainId }],
      ])('answers update %s with 400 naming ChainId, and changes nothing', async (_label, extra) => {
        const [program] = await added(gross, [{ Name: 'Club', Code: 'C' }]);
        expectError(await update(portfolio, [{ LoyaltyProgramId: program!.Id, Name: { Value: 'Changed' } }], extra), 400, 'ChainId');
        expect(await listed(gross)).toEqual([program]);
      });

      it('updates with an in-scope ChainId', async () => {
        const [program] = await added(gross, [{ Name: 'Club', Code: 'C' }]);
        const answer = await update(portfolio, [{ LoyaltyProgramId: program!.Id, Name: { Value: 'Changed' } }], { ChainId: grossChainId });
        expectJsonAnswer(answer, 200);
        expect(answer.body.LoyaltyPrograms).toEqual([{ ...program, Name: 'Changed' }]);
        expect(await listed(gross)).toEqual([{ ...program, Name: 'Changed' }]);
      });

      it('deletes programs of the chains in scope without a ChainId, and not those outside', async () => {
        const [inGross] = await added(gross, [{ Code: 'G' }]);
        const [inThird] = await added(third, [{ Code: 'T' }]);
        const [inNet] = await added(net, [{ Code: 'N' }]);
        expectError(await remove(portfolio, [inGross!.Id, inNet!.Id]), 400, 'LoyaltyProgramIds');
        expect(await listed(gross)).toEqual([inGross]);
        const answer = await remove(portfolio, [inGross!.Id, inThird!.Id]);
        expectJsonAnswer(answer, 200);
        expect(answer.body).toEqual({});
        expect(await listed(portfolio, allStates)).toHaveLength(2);
        expect(await listed(portfolio)).toEqual([]);
        expect(await listed(net)).toEqual([inNet]);
      });

      it('lists every chain in scope without ChainIds, narrows with ChainIds, and refuses ChainIds outside', async () => {
        const [inGross] = await added(gross, [{ Code: 'G' }]);
        const [inThird] = await added(third, [{ Code: 'T' }]);
        await added(net, [{ Code: 'N' }]);
        expect(await listed(portfolio)).toEqual([inThird, inGross]);
        expect(await listed(portfolio, { ChainIds: null })).toEqual([inThird, inGross]);
        expect(await listed(portfolio, { ChainIds: [thirdChainId] })).toEqual([inThird]);
        expect(await listed(portfolio, { ChainIds: [grossChainId.toUpperCase()] })).toEqual([inGross]);
        expect(await listed(portfolio, { ChainIds: [grossChainId, thirdChainId] })).toEqual([inThird, inGross]);
        expectError(await getAll(portfolio, { ChainIds: [netChainId] }), 400, 'ChainIds');
        expectError(await getAll(portfolio, { ChainIds: [grossChainId, foreignChainId] }), 400, 'ChainIds');
        expectError(await getAll(portfolio, { ChainIds: ['not-a-uuid'] }), 400, 'ChainIds[0]');
      });

      it('pages across the chains in scope and takes a cursor from either', async () => {
        const [g1] = await added(gross, [{ Code: 'G1' }]);
        const [t1] = await added(third, [{ Code: 'T1' }]);
        const [g2] = await added(gross, [{ Code: 'G2' }]);
        const first = await getAll(portfolio, { Limitation: { Count: 2 } });
        expectJsonAnswer(first, 200);
        expect(first.body).toEqual({ LoyaltyPrograms: [g2, t1], Cursor: t1!.Id });
        const second = await getAll(portfolio, { Limitation: { Count: 2, Cursor: t1!.Id } });
        expectJsonAnswer(second, 200);
        expect(second.body).toEqual({ LoyaltyPrograms: [g1], Cursor: g1!.Id });
        const [n1] = await added(net, [{ Code: 'N1' }]);
        expectError(await getAll(portfolio, { Limitation: { Count: 2, Cursor: n1!.Id } }), 400, 'Cursor');
      });
    });
  });
});
