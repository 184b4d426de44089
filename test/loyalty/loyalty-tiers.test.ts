// loyaltyTiers getAll/add/update/delete through HTTP: docs/behaviour.md (tier fields, update values, soft
// delete), §3 (tenancy, batches, pagination) and §4 (unique active Code per program, a tier in use
// cannot be deleted, a deleted program takes its tiers with it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { iso, steppingClock } from '../helpers/clock.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { recordsOf, type Tokens } from '../helpers/records.ts';
import { gross, grossChainId, net, netChainId, portfolio, thirdChainId, sampleClient } from '../helpers/tenancy.ts';

interface Tier { Id: string; LoyaltyProgramId: string; Name: string; Code: string; Ordering: number }

const unknownId = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';
/** A demo customer of the gross chain. */
const grossCustomerId = 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d';


describe.each(dialects)('loyaltyTiers ($name)', (dialect) => {
  let t: TestApp;
  const clock = steppingClock();
  beforeAll(async () => { t = await startTestApp(dialect, {}, { clock: clock.now }); });
  afterAll(async () => { await t?.close(); });

  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${++serial}`;

  const { newProgram } = recordsOf(() => t, { unique });
  const add = (tokens: Tokens, tiers: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyTiers/add', { ...tokens, ...extra, LoyaltyTiers: tiers });
  const update = (tokens: Tokens, updates: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyTiers/update', { ...tokens, ...extra, LoyaltyTierUpdates: updates });
  const remove = (tokens: Tokens, ids: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyTiers/delete', { ...tokens, ...extra, LoyaltyTierIds: ids });
  const getAll = (tokens: Tokens, filter: Record<string, unknown>) =>
    t.call('loyaltyTiers/getAll', { ...tokens, Limitation: { Count: 1000 }, ...filter });

  /** Adds tiers and returns them, asserting the 200. */
  const added = async (programId: string, tiers: { Name?: string; Code: string; Ordering?: number }[], tokens: Tokens = gross, extra: Record<string, unknown> = {}) => {
    const answer = await add(tokens, tiers.map((tier, i) => ({ LoyaltyProgramId: programId, Name: `Tier ${tier.Code}`, Ordering: i + 1, ...tier })), extra);
    expectJsonAnswer(answer, 200);
    expect(answer.body.LoyaltyTiers).toHaveLength(tiers.length);
    return answer.body.LoyaltyTiers as Tier[];
  };
  /** The tiers a getAll answers, asserting the 200. */
  const listed = async (tokens: Tokens, filter: Record<string, unknown>) => {
    const answer = await getAll(tokens, filter);
    expectJsonAnswer(answer, 200);
    return answer.body.LoyaltyTiers as Tier[];
  };
  const ids = (tiers: { Id: string }[]) => tiers.map((tier) => tier.Id);
  const allStates = { ActivityStates: ['Active', 'Deleted'] };

  describe('add', () => {
    it('answers the added tiers in request order with every field and server-generated lowercase UUIDs', async () => {
      const programId = await newProgram();
      const answer = await add(gross, [
        { LoyaltyProgramId: programId, Name: 'Platinum', Code: 'P1', Ordering: 1 },
        { LoyaltyProgramId: programId.toUpperCase(), Name: 'Silver', Code: 'S1', Ordering: 2 },
      ]);
      expectJsonAnswer(answer, 200);
      expect(Object.keys(answer.body)).toEqual(['LoyaltyTiers']);
      const [platinum, silver] = answer.body.LoyaltyTiers as Tier[];
      expect(platinum).toEqual({ Id: platinum!.Id, LoyaltyProgramId: programId, Name: 'Platinum', Code: 'P1', Ordering: 1 });
      expect(silver).toEqual({ Id: silver!.Id, LoyaltyProgramId: programId, Name: 'Silver', Code: 'S1', Ordering: 2 });
      expect(isLowercaseUuid(platinum!.Id)).toBe(true);
      expect(isLowercaseUuid(silver!.Id)).toBe(true);
      expect(platinum!.Id).not.toBe(silver!.Id);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([silver, platinum]);
    });

    it('accepts the published add example as written, with only the program id replaced', async () => {
      const programId = await newProgram();
      const answer = await t.call('loyaltyTiers/add', {
        ...sampleClient,
        LoyaltyTiers: [{ LoyaltyProgramId: programId, Name: 'Platinum', Code: 'P1', Ordering: 1 }],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyTiers).toEqual([{ Id: expect.any(String), LoyaltyProgramId: programId, Name: 'Platinum', Code: 'P1', Ordering: 1 }]);
    });

    it('accepts Name and Code of 50 characters and answers 400 for 51, or for an empty one', async () => {
      const programId = await newProgram();
      const fifty = 'x'.repeat(50);
      const [tier] = await added(programId, [{ Name: fifty, Code: fifty }]);
      expect(tier!.Name).toBe(fifty);
      expect(tier!.Code).toBe(fifty);
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'y'.repeat(51), Code: 'N51', Ordering: 1 }]), 400, 'LoyaltyTiers[0].Name');
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'Code51', Code: 'y'.repeat(51), Ordering: 1 }]), 400, 'LoyaltyTiers[0].Code');
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: '', Code: 'E1', Ordering: 1 }]), 400, 'LoyaltyTiers[0].Name');
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId] }))).toEqual([tier!.Id]);
    });

    it('requires LoyaltyProgramId, Name, Code and Ordering', async () => {
      const programId = await newProgram();
      const full = { LoyaltyProgramId: programId, Name: 'Gold', Code: 'G', Ordering: 1 };
      for (const field of ['LoyaltyProgramId', 'Name', 'Code', 'Ordering'] as const) {
        const { [field]: _omitted, ...rest } = full;
        expectError(await add(gross, [rest]), 400, `LoyaltyTiers[0].${field}`);
      }
      expectError(await add(gross, []), 400, 'LoyaltyTiers');
      expectError(await t.call('loyaltyTiers/add', { ...gross }), 400, 'LoyaltyTiers');
    });

    it('takes Ordering as an integer: 1.5 and "1" are 400, negative and zero are fine', async () => {
      const programId = await newProgram();
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'Gold', Code: 'G', Ordering: 1.5 }]), 400, 'LoyaltyTiers[0].Ordering');
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'Gold', Code: 'G', Ordering: '1' }]), 400, 'LoyaltyTiers[0].Ordering');
      const tiers = await added(programId, [{ Code: 'Z', Ordering: 0 }, { Code: 'N', Ordering: -3 }]);
      expect(tiers.map((tier) => tier.Ordering)).toEqual([0, -3]);
    });

    it('answers 400 Invalid LoyaltyProgramId for an unknown program, another chain\'s program, a deleted program or a non-UUID, and writes nothing', async () => {
      const programId = await newProgram();
      const netProgramId = await newProgram(net);
      const deletedProgramId = await newProgram();
      expectJsonAnswer(await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [deletedProgramId] }), 200);

      for (const other of [unknownId, netProgramId, deletedProgramId]) {
        const answer = await add(gross, [
          { LoyaltyProgramId: programId, Name: 'Gold', Code: 'G', Ordering: 1 },
          { LoyaltyProgramId: other, Name: 'Gold', Code: 'G', Ordering: 1 },
        ]);
        expectError(answer, 400, 'Invalid LoyaltyProgramId');
      }
      expectError(await add(gross, [{ LoyaltyProgramId: 'not-a-uuid', Name: 'Gold', Code: 'G', Ordering: 1 }]), 400, 'LoyaltyTiers[0].LoyaltyProgramId');
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates })).toEqual([]);
      expect(await listed(gross, { LoyaltyProgramIds: [deletedProgramId], ...allStates })).toEqual([]);
      expect(await listed(net, { LoyaltyProgramIds: [netProgramId], ...allStates })).toEqual([]);
    });
  });

  describe('unique active Code per program', () => {
    it('answers 403 for a Code an active tier of the program holds, and writes nothing of the batch', async () => {
      const programId = await newProgram();
      const [gold] = await added(programId, [{ Code: 'GOLD' }]);
      const answer = await add(gross, [
        { LoyaltyProgramId: programId, Name: 'Silver', Code: 'SILVER', Ordering: 2 },
        { LoyaltyProgramId: programId, Name: 'Gold again', Code: 'GOLD', Ordering: 3 },
      ]);
      expectError(answer, 403, /GOLD|LoyaltyTiers\[1\]/);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates })).toEqual([gold]);
    });

    it('allows the same Code in another program and in another chain', async () => {
      const first = await newProgram();
      const second = await newProgram();
      const netProgram = await newProgram(net);
      await added(first, [{ Code: 'SAME' }]);
      const [inSecond] = await added(second, [{ Code: 'SAME' }]);
      const [inNet] = await added(netProgram, [{ Code: 'SAME' }], net);
      expect(inSecond!.Code).toBe('SAME');
      expect(inNet!.Code).toBe('SAME');
    });

    it('allows the Code again once the tier holding it is deleted', async () => {
      const programId = await newProgram();
      const [holder] = await added(programId, [{ Code: 'REUSE' }]);
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'x', Code: 'REUSE', Ordering: 1 }]), 403);
      expectJsonAnswer(await remove(gross, [holder!.Id]), 200);
      const [again] = await added(programId, [{ Code: 'REUSE' }]);
      expect(again!.Id).not.toBe(holder!.Id);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates }))).toEqual([again!.Id, holder!.Id]);
    });

    it('answers 403 for a Code used twice in one batch for the same program and writes nothing', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const answer = await add(gross, [
        { LoyaltyProgramId: programId, Name: 'A', Code: 'DUP', Ordering: 1 },
        { LoyaltyProgramId: otherProgram, Name: 'B', Code: 'DUP', Ordering: 1 },
        { LoyaltyProgramId: programId, Name: 'C', Code: 'DUP', Ordering: 2 },
      ]);
      expectError(answer, 403, /LoyaltyTiers\[2\]|DUP/);
      expect(await listed(gross, { LoyaltyProgramIds: [programId, otherProgram], ...allStates })).toEqual([]);
    });
  });

  describe('getAll', () => {
    it('requires LoyaltyProgramIds and Limitation', async () => {
      expectError(await t.call('loyaltyTiers/getAll', { ...gross, Limitation: { Count: 10 } }), 400, 'LoyaltyProgramIds');
      expectError(await t.call('loyaltyTiers/getAll', { ...gross, LoyaltyProgramIds: [unknownId] }), 400, 'Limitation');
      expectError(await t.call('loyaltyTiers/getAll', { ...gross, LoyaltyProgramIds: [unknownId], Limitation: { Count: 0 } }), 400, 'Limitation.Count');
      expectError(await t.call('loyaltyTiers/getAll', { ...gross, LoyaltyProgramIds: [unknownId], Limitation: { Count: 1001 } }), 400, 'Limitation.Count');
      expectError(await t.call('loyaltyTiers/getAll', { ...gross, LoyaltyProgramIds: ['nope'], Limitation: { Count: 10 } }), 400, 'LoyaltyProgramIds[0]');
    });

    it('answers the tiers of the named programs only, newest first, with the Cursor of the last one', async () => {
      const first = await newProgram();
      const second = await newProgram();
      const third = await newProgram();
      const [a] = await added(first, [{ Code: 'A' }]);
      const [b] = await added(second, [{ Code: 'B' }]);
      await added(third, [{ Code: 'C' }]);
      const answer = await getAll(gross, { LoyaltyProgramIds: [first, second] });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({ LoyaltyTiers: [b, a], Cursor: a!.Id });
      const empty = await getAll(gross, { LoyaltyProgramIds: [unknownId] });
      expectJsonAnswer(empty, 200);
      expect(empty.body).toEqual({ LoyaltyTiers: [], Cursor: null });
    });

    it('filters by LoyaltyTierIds', async () => {
      const programId = await newProgram();
      const [a, b, c] = await added(programId, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], LoyaltyTierIds: [a!.Id, c!.Id.toUpperCase()] }))).toEqual([c!.Id, a!.Id]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], LoyaltyTierIds: [b!.Id] }))).toEqual([b!.Id]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], LoyaltyTierIds: [unknownId] })).toEqual([]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], LoyaltyTierIds: [] })).toEqual([]);
    });

    it('filters by ActivityStates: Active by default, Deleted, or both', async () => {
      const programId = await newProgram();
      const [kept, gone] = await added(programId, [{ Code: 'KEPT' }, { Code: 'GONE' }]);
      expectJsonAnswer(await remove(gross, [gone!.Id]), 200);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId] }))).toEqual([kept!.Id]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Active'] }))).toEqual([kept!.Id]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] })).toEqual([gone]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates }))).toEqual([gone!.Id, kept!.Id]);
      expectError(await getAll(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Gone'] }), 400, 'ActivityStates[0]');
    });

    it('filters by UpdatedUtc, half-open, and rejects bad intervals', async () => {
      const programId = await newProgram();
      const [old, changed] = await added(programId, [{ Code: 'OLD' }, { Code: 'CHANGED' }]);
      clock.advance(5);
      const middle = clock.millis();
      clock.advance(5);
      expectJsonAnswer(await update(gross, [{ LoyaltyTierId: changed!.Id, Name: { Value: 'Renamed' } }]), 200);
      const hour = 3_600_000;
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle + hour) } }))).toEqual([changed!.Id]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(middle) } }))).toEqual([old!.Id]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(middle + hour) } }))).toEqual([changed!.Id, old!.Id]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: '2022-10-10T00:00:00Z', EndUtc: '2022-10-17T00:00:00Z' } })).toEqual([]);
      expectError(await getAll(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle - hour) } }), 400, 'UpdatedUtc');
      expectError(await getAll(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: 'yesterday', EndUtc: iso(middle) } }), 400, 'UpdatedUtc');
      expectError(await getAll(gross, { LoyaltyProgramIds: [programId], UpdatedUtc: { StartUtc: '2024-01-01T00:00:00Z', EndUtc: '2024-04-02T00:00:00Z' } }), 400, 'UpdatedUtc');
    });

    it('pages with Limitation.Cursor: every tier exactly once, newest first, an empty last page with Cursor null', async () => {
      const programId = await newProgram();
      const tiers: Tier[] = [];
      for (let batch = 0; batch < 3; batch++) {
        tiers.push(...await added(programId, Array.from({ length: 4 }, (_, i) => ({ Code: `T${batch}-${i}` }))));
      }
      const expected = ids(tiers).reverse();
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 5, Cursor: cursor } });
        expectJsonAnswer(answer, 200);
        const pageIds = ids(answer.body.LoyaltyTiers);
        expect(answer.body.Cursor).toBe(pageIds.at(-1) ?? null);
        if (pageIds.length === 0) break;
        expect(pageIds.length).toBeLessThanOrEqual(5);
        seen.push(...pageIds);
        cursor = answer.body.Cursor;
      }
      expect(seen).toEqual(expected);
      expectError(await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 5, Cursor: unknownId } }), 400, 'Cursor');
    });
  });

  describe('update', () => {
    it('sets Name, Code and Ordering from update values and answers the updated tiers in request order', async () => {
      const programId = await newProgram();
      const [a, b] = await added(programId, [{ Code: 'A', Ordering: 1 }, { Code: 'B', Ordering: 2 }]);
      const answer = await update(gross, [
        { LoyaltyTierId: b!.Id, Name: { Value: 'Bronze' }, Code: { Value: 'BR' }, Ordering: { Value: 30 } },
        { LoyaltyTierId: a!.Id.toUpperCase(), Ordering: { Value: 10 } },
      ]);
      expectJsonAnswer(answer, 200);
      expect(Object.keys(answer.body)).toEqual(['LoyaltyTiers']);
      expect(answer.body.LoyaltyTiers).toEqual([
        { Id: b!.Id, LoyaltyProgramId: programId, Name: 'Bronze', Code: 'BR', Ordering: 30 },
        { Id: a!.Id, LoyaltyProgramId: programId, Name: a!.Name, Code: 'A', Ordering: 10 },
      ]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([answer.body.LoyaltyTiers[0], answer.body.LoyaltyTiers[1]]);
    });

    it('keeps a value that is omitted or null', async () => {
      const programId = await newProgram();
      const [tier] = await added(programId, [{ Name: 'Gold', Code: 'G', Ordering: 7 }]);
      const answer = await update(gross, [{ LoyaltyTierId: tier!.Id, Name: null, Code: null }]);
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyTiers).toEqual([tier]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([tier]);
    });

    it('answers 400 for { Value: null } on Name, Code or Ordering, for bad values, and changes nothing', async () => {
      const programId = await newProgram();
      const [tier] = await added(programId, [{ Name: 'Gold', Code: 'G', Ordering: 7 }]);
      for (const field of ['Name', 'Code', 'Ordering']) {
        expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, [field]: { Value: null } }]), 400, `LoyaltyTierUpdates[0].${field}`);
        expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, [field]: {} }]), 400, `LoyaltyTierUpdates[0].${field}`);
      }
      expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, Ordering: { Value: 1.5 } }]), 400, 'Ordering');
      expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, Ordering: { Value: '2' } }]), 400, 'Ordering');
      expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, Name: { Value: 'n'.repeat(51) } }]), 400, 'Name');
      expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, Code: { Value: 'c'.repeat(51) } }]), 400, 'Code');
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([tier]);
    });

    it('answers 403 when the new Code is held by another active tier of the program, but allows its own Code and a deleted holder\'s', async () => {
      const programId = await newProgram();
      const [a, b, c] = await added(programId, [{ Code: 'A' }, { Code: 'B' }, { Code: 'C' }]);
      expectError(await update(gross, [{ LoyaltyTierId: b!.Id, Code: { Value: 'A' } }]), 403);
      const own = await update(gross, [{ LoyaltyTierId: b!.Id, Code: { Value: 'B' }, Name: { Value: 'Same code' } }]);
      expectJsonAnswer(own, 200);
      expect(own.body.LoyaltyTiers[0].Code).toBe('B');
      expectJsonAnswer(await remove(gross, [c!.Id]), 200);
      const freed = await update(gross, [{ LoyaltyTierId: b!.Id, Code: { Value: 'C' } }]);
      expectJsonAnswer(freed, 200);
      expect(freed.body.LoyaltyTiers[0].Code).toBe('C');
      expect((await listed(gross, { LoyaltyProgramIds: [programId] })).map((tier) => tier.Code)).toEqual(['C', 'A']);
      expect(a!.Code).toBe('A');
    });

    it('is atomic: a batch whose last update breaks a rule changes nothing', async () => {
      const programId = await newProgram();
      const [a, b] = await added(programId, [{ Code: 'A' }, { Code: 'B' }]);
      const answer = await update(gross, [
        { LoyaltyTierId: a!.Id, Name: { Value: 'Changed' } },
        { LoyaltyTierId: b!.Id, Code: { Value: 'A' } },
      ]);
      expectError(answer, 403);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([b, a]);
    });

    it('answers 400 for an unknown or deleted tier id', async () => {
      const programId = await newProgram();
      const [tier, deleted] = await added(programId, [{ Code: 'A' }, { Code: 'D' }]);
      expectJsonAnswer(await remove(gross, [deleted!.Id]), 200);
      expectError(await update(gross, [{ LoyaltyTierId: unknownId, Name: { Value: 'x' } }]), 400, 'LoyaltyTierId');
      expectError(await update(gross, [{ LoyaltyTierId: tier!.Id, Name: { Value: 'x' } }, { LoyaltyTierId: deleted!.Id, Name: { Value: 'x' } }]), 400, 'LoyaltyTierId');
      expectError(await update(gross, [{ LoyaltyTierId: 'not-a-uuid' }]), 400, 'LoyaltyTierUpdates[0].LoyaltyTierId');
      expectError(await update(gross, []), 400, 'LoyaltyTierUpdates');
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([tier]);
    });
  });

  describe('delete', () => {
    it('soft-deletes: answers {}, the tier is gone from Active and listed as Deleted', async () => {
      const programId = await newProgram();
      const [a, b] = await added(programId, [{ Code: 'A' }, { Code: 'B' }]);
      const answer = await remove(gross, [a!.Id, b!.Id.toUpperCase()]);
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({});
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] })).toEqual([b, a]);
    });

    it('answers 400 for an unknown or already deleted tier and deletes nothing of the batch', async () => {
      const programId = await newProgram();
      const [a, b] = await added(programId, [{ Code: 'A' }, { Code: 'B' }]);
      expectError(await remove(gross, [a!.Id, unknownId]), 400, 'LoyaltyTierIds[1]');
      expectJsonAnswer(await remove(gross, [b!.Id]), 200);
      expectError(await remove(gross, [a!.Id, b!.Id]), 400, 'LoyaltyTierIds[1]');
      expectError(await remove(gross, []), 400, 'LoyaltyTierIds');
      expectError(await remove(gross, ['not-a-uuid']), 400, 'LoyaltyTierIds[0]');
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId] }))).toEqual([a!.Id]);
    });

    it('answers 204 with no body under Prefer: return=minimal', async () => {
      const programId = await newProgram();
      const [tier] = await added(programId, [{ Code: 'A' }]);
      const answer = await t.call('loyaltyTiers/delete', { ...gross, LoyaltyTierIds: [tier!.Id] }, { prefer: 'return=minimal' });
      expect(answer.status).toBe(204);
      expect(answer.body).toBeUndefined();
      expect(isLowercaseUuid(answer.headers['request-id'])).toBe(true);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
    });

    it('answers 403 for a tier an active membership points at, and 200 once the membership is deleted', async () => {
      const programId = await newProgram();
      const [used, free] = await added(programId, [{ Code: 'USED' }, { Code: 'FREE' }]);
      const membership = await t.call('loyaltyMemberships/add', {
        ...gross,
        LoyaltyMemberships: [{ AccountId: grossCustomerId, LoyaltyProgramId: programId, IsPrimary: false, LoyaltyTierId: used!.Id }],
      });
      expectJsonAnswer(membership, 200);
      const membershipId = membership.body.LoyaltyMemberships[0].Id as string;

      expectError(await remove(gross, [free!.Id, used!.Id]), 403, /LoyaltyTierIds\[1\]|membership/);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId] }))).toEqual([free!.Id, used!.Id]);

      expectJsonAnswer(await t.call('loyaltyMemberships/delete', { ...gross, LoyaltyMembershipIds: [membershipId] }), 200);
      expectJsonAnswer(await remove(gross, [free!.Id, used!.Id]), 200);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] }))).toEqual([free!.Id, used!.Id]);
      expectJsonAnswer(await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [programId] }), 200);
    });

    it('deleting a program deletes its tiers: they come back only with ActivityStates ["Deleted"]', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const tiers = await added(programId, [{ Code: 'A' }, { Code: 'B' }]);
      const [other] = await added(otherProgram, [{ Code: 'A' }]);
      expectJsonAnswer(await t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [programId] }), 200);
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] })).toEqual([...tiers].reverse());
      expect(await listed(gross, { LoyaltyProgramIds: [otherProgram] })).toEqual([other]);
      expectError(await update(gross, [{ LoyaltyTierId: tiers[0]!.Id, Name: { Value: 'x' } }]), 400, 'LoyaltyTierId');
      expectError(await add(gross, [{ LoyaltyProgramId: programId, Name: 'x', Code: 'C', Ordering: 1 }]), 400, 'Invalid LoyaltyProgramId');
    });
  });

  describe('portfolio token', () => {
    it('add needs a ChainId: 400 without it, 400 outside the scope, 200 with a chain in scope', async () => {
      const programId = await newProgram(portfolio, { ChainId: grossChainId });
      const tier = { LoyaltyProgramId: programId, Name: 'Gold', Code: 'G', Ordering: 1 };
      expectError(await add(portfolio, [tier]), 400, 'ChainId');
      expectError(await add(portfolio, [tier], { ChainId: netChainId }), 400, 'ChainId');
      // The program is in the gross chain, not in the third one.
      expectError(await add(portfolio, [tier], { ChainId: thirdChainId }), 400, 'Invalid LoyaltyProgramId');
      expect(await listed(portfolio, { LoyaltyProgramIds: [programId] })).toEqual([]);

      const answer = await add(portfolio, [tier], { ChainId: grossChainId });
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyTiers).toEqual([{ Id: expect.any(String), ...tier }]);
      // The gross single-enterprise token sees it: it is a tier of the gross chain.
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual(answer.body.LoyaltyTiers);
    });

    it('update and delete need no ChainId, across the chains in scope', async () => {
      const grossProgram = await newProgram(portfolio, { ChainId: grossChainId });
      const thirdProgram = await newProgram(portfolio, { ChainId: thirdChainId });
      const [inGross] = await added(grossProgram, [{ Code: 'G' }], portfolio, { ChainId: grossChainId });
      const [inThird] = await added(thirdProgram, [{ Code: 'T' }], portfolio, { ChainId: thirdChainId });
      const updated = await update(portfolio, [
        { LoyaltyTierId: inGross!.Id, Name: { Value: 'Gross tier' } },
        { LoyaltyTierId: inThird!.Id, Name: { Value: 'Third tier' } },
      ]);
      expectJsonAnswer(updated, 200);
      expect(updated.body.LoyaltyTiers.map((tier: Tier) => tier.Name)).toEqual(['Gross tier', 'Third tier']);
      expect(ids(await listed(portfolio, { LoyaltyProgramIds: [grossProgram, thirdProgram] }))).toEqual([inThird!.Id, inGross!.Id]);
      expect(ids(await listed(portfolio, { LoyaltyProgramIds: [grossProgram, thirdProgram], ChainIds: [thirdChainId] }))).toEqual([inThird!.Id]);
      expectError(await getAll(portfolio, { LoyaltyProgramIds: [grossProgram], ChainIds: [netChainId] }), 400, 'ChainIds[0]');

      expectJsonAnswer(await remove(portfolio, [inGross!.Id, inThird!.Id]), 200);
      expect(await listed(portfolio, { LoyaltyProgramIds: [grossProgram, thirdProgram] })).toEqual([]);
    });
  });

  describe('isolation', () => {
    it('a token of the net chain cannot see, update or delete gross tiers: they behave as non-existent', async () => {
      const programId = await newProgram();
      const [tier] = await added(programId, [{ Code: 'SECRET' }]);
      expect(await listed(net, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(await listed(net, { LoyaltyProgramIds: [programId], LoyaltyTierIds: [tier!.Id], ...allStates })).toEqual([]);
      expectError(await update(net, [{ LoyaltyTierId: tier!.Id, Name: { Value: 'Stolen' } }]), 400, 'Invalid LoyaltyTierId');
      expectError(await remove(net, [tier!.Id]), 400, 'Invalid LoyaltyTierIds[0]');
      expectError(await add(net, [{ LoyaltyProgramId: programId, Name: 'x', Code: 'X', Ordering: 1 }]), 400, 'Invalid LoyaltyProgramId');
      expectError(await getAll(net, { LoyaltyProgramIds: [programId], Limitation: { Count: 10, Cursor: tier!.Id } }), 400, 'Cursor');
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([tier]);
    });
  });
});
