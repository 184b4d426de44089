// loyaltyMemberships getAll/add/update/delete through HTTP: the published and seed example requests
// sent as written, docs/behaviour.md (fields, Code/MembershipNumber alias, ExpirationDate, update values,
// soft delete), §3 (tenancy, batches, pagination, Prefer) and §4 (tier of the program, one membership
// per account and program, one primary per account and chain, accounts of the chain).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, sqliteReaderThreads, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { iso, steppingClock } from '../helpers/clock.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { recordsOf, type Tokens } from '../helpers/records.ts';
import { gross, grossChainId, net, netChainId, portfolio, thirdChainId, sampleClient } from '../helpers/tenancy.ts';

interface Membership {
  Id: string; ChainId: string; AccountId: string; LoyaltyProgramId: string; State: string; IsPrimary: boolean;
  ProviderMembershipId: string | null; Code: string | null; MembershipNumber: string | null; Points: number | null;
  ExpirationDate: string | null; Url: string | null; LoyaltyTierId: string | null;
  CreatorProfile: unknown; UpdaterProfile: unknown;
}

const unknownId = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';
/** Demo customers of the gross chain (the published examples' AccountIds). */
const janeGross = 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d';
const johnGross = '87d4c7c4-4832-4341-8b54-e45c1a73df34';
/** A demo customer of the net chain. */
const janeNet = 'bccdafd1-3e44-439d-861f-341526b597a9';
/** A demo company of the gross chain. */
const acmeGross = '424d3f6d-16f7-4184-85ce-0c50988f59c7';

const integration = { Discriminator: 'Integration', EnterpriseProfile: null };
const membershipFields = [
  'Id', 'ChainId', 'AccountId', 'LoyaltyProgramId', 'State', 'IsPrimary', 'ProviderMembershipId', 'Code', 'MembershipNumber',
  'Points', 'ExpirationDate', 'Url', 'LoyaltyTierId', 'CreatorProfile', 'UpdaterProfile',
];

const hour = 3_600_000;

describe.each([...dialects, sqliteReaderThreads])('loyaltyMemberships ($name)', (dialect) => {
  let t: TestApp;
  const clock = steppingClock();
  beforeAll(async () => { t = await startTestApp(dialect, {}, { clock: clock.now }); });
  afterAll(async () => { await t?.close(); });

  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${++serial}`;

  const { newProgram, newTiers, newCustomer } = recordsOf(() => t, { unique });

  const add = (tokens: Tokens, memberships: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyMemberships/add', { ...tokens, ...extra, LoyaltyMemberships: memberships });
  const update = (tokens: Tokens, updates: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyMemberships/update', { ...tokens, ...extra, LoyaltyMembershipUpdates: updates });
  const remove = (tokens: Tokens, ids: unknown[], extra: Record<string, unknown> = {}) =>
    t.call('loyaltyMemberships/delete', { ...tokens, ...extra, LoyaltyMembershipIds: ids });
  const getAll = (tokens: Tokens, filter: Record<string, unknown> = {}) =>
    t.call('loyaltyMemberships/getAll', { ...tokens, Limitation: { Count: 1000 }, ...filter });

  /** Adds memberships and returns them, asserting the 200. */
  const added = async (memberships: Record<string, unknown>[], tokens: Tokens = gross, extra: Record<string, unknown> = {}) => {
    const answer = await add(tokens, memberships.map((m) => ({ IsPrimary: false, ...m })), extra);
    expectJsonAnswer(answer, 200);
    expect(answer.body.LoyaltyMemberships).toHaveLength(memberships.length);
    return answer.body.LoyaltyMemberships as Membership[];
  };
  /** Updates and returns the answered memberships, asserting the 200. */
  const updated = async (updates: Record<string, unknown>[], tokens: Tokens = gross, extra: Record<string, unknown> = {}) => {
    const answer = await update(tokens, updates, extra);
    expectJsonAnswer(answer, 200);
    expect(answer.body.Cursor).toBe(answer.body.LoyaltyMemberships.at(-1).Id);
    return answer.body.LoyaltyMemberships as Membership[];
  };
  /** The memberships a getAll answers, asserting the 200. */
  const listed = async (tokens: Tokens, filter: Record<string, unknown> = {}) => {
    const answer = await getAll(tokens, filter);
    expectJsonAnswer(answer, 200);
    return answer.body.LoyaltyMemberships as Membership[];
  };
  /** One membership read back by id (any activity state). */
  const readBack = async (id: string, tokens: Tokens = gross) => {
    const [membership, ...rest] = await listed(tokens, { LoyaltyMembershipIds: [id], ActivityStates: ['Active', 'Deleted'] });
    expect(rest).toEqual([]);
    return membership!;
  };
  const ids = (items: { Id: string }[]) => items.map((item) => item.Id);
  const allStates = { ActivityStates: ['Active', 'Deleted'] };

  describe('the published and seed example requests, sent as written', () => {
    it('getAll of seed 002 (foreign ChainIds and ids) answers 200 with the documented shape', async () => {
      const answer = await t.call('loyaltyMemberships/getAll', {
        ...sampleClient,
        ChainIds: ['1df21f06-0cfc-4960-9c58-a3bf1261663e', '5fcd1933-22f2-40b9-84da-7db04cbecec2'],
        LoyaltyMembershipIds: ['3f4d9db2-9910-4a63-b9f0-e94a13fab9ac', 'ea7da00f-fdc9-4014-b0f7-71003b87e3d0'],
        LoyaltyProgramIds: ['3ed9e2f3-4bba-4df6-8d41-ab1b009b6425', '8a98965a-7c03-48a1-a28c-ab1b009b53c8'],
        AccountIds: ['87d4c7c4-4832-4341-8b54-e45c1a73df34', '0ed43ab7-4592-4c99-906a-426588de1c00'],
        MembershipStates: ['New', 'Enrolled'],
        CreatedUtc: { StartUtc: '2022-10-15T00:00:00Z', EndUtc: '2022-10-20T00:00:00Z' },
        UpdatedUtc: { StartUtc: '2022-10-15T00:00:00Z', EndUtc: '2022-10-20T00:00:00Z' },
        ActivityStates: ['Active'],
        Limitation: { Count: 100 },
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({ LoyaltyMemberships: [], Cursor: null });
    });

    it('getAll of the published page (foreign ChainIds, MembershipNumbers, ProviderMembershipIds) answers 200 with the documented shape', async () => {
      const answer = await t.call('loyaltyMemberships/getAll', {
        ...sampleClient,
        ChainIds: ['3fa85f64-5717-4562-b3fc-2c963f66afa6', '5fcd1933-22f2-40b9-84da-7db04cbecec2'],
        CreatedUtc: { StartUtc: '2022-10-15T00:00:00Z', EndUtc: '2022-10-20T00:00:00Z' },
        UpdatedUtc: { StartUtc: '2022-10-15T00:00:00Z', EndUtc: '2022-10-20T00:00:00Z' },
        LoyaltyMembershipIds: ['905a4489-0960-4ac9-96ec-793f47365c92', 'ac48674e-58a2-43d6-a02b-9ead0b213b17'],
        AccountIds: ['fadd5bb6-b428-45d5-94f8-fd0d89fece6d', 'bccdafd1-3e44-439d-861f-341526b597a9'],
        LoyaltyProgramIds: ['f701dafb-5765-4cf4-b1dd-1f602a740ae5', 'da34b396-41f7-47f6-8847-aecf00a3f19e'],
        MembershipStates: ['Pending', 'Enrolled'],
        ActivityStates: ['Active'],
        MembershipNumbers: ['MBR-2025-AX49ZT73'],
        ProviderMembershipIds: ['PRV-MBR-9842XKLT'],
        Limitation: { Count: 100 },
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({ LoyaltyMemberships: [], Cursor: null });
    });

    it('add, update and delete of the published page work with only the program, tier and membership ids replaced', async () => {
      const programId = await newProgram();
      const [tierId, otherTierId] = await newTiers(programId, 2);
      const addAnswer = await t.call('loyaltyMemberships/add', {
        ...sampleClient,
        LoyaltyMemberships: [{
          AccountId: 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d',
          LoyaltyProgramId: programId,
          IsPrimary: true,
          State: 'Enrolled',
          MembershipNumber: 'MBR-2025-AX49ZT73',
          Points: 22,
          ExpirationDate: '2029-12-24T00:00:00Z',
          Url: 'https://rewards.example.com/member/PRV-MBR-9842XKLT',
          LoyaltyTierId: tierId,
        }],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      });
      expectJsonAnswer(addAnswer, 200);
      expect(Object.keys(addAnswer.body).sort()).toEqual(['Cursor', 'LoyaltyMemberships']);
      const [membership] = addAnswer.body.LoyaltyMemberships as Membership[];
      expect(Object.keys(membership!).sort()).toEqual([...membershipFields].sort());
      expect(membership).toEqual({
        Id: membership!.Id,
        ChainId: grossChainId,
        AccountId: janeGross,
        LoyaltyProgramId: programId,
        State: 'Enrolled',
        IsPrimary: true,
        ProviderMembershipId: null,
        Code: 'MBR-2025-AX49ZT73',
        MembershipNumber: 'MBR-2025-AX49ZT73',
        Points: 22,
        ExpirationDate: '2029-12-24T00:00:00Z',
        Url: 'https://rewards.example.com/member/PRV-MBR-9842XKLT',
        LoyaltyTierId: tierId,
        CreatorProfile: integration,
        UpdaterProfile: integration,
      });
      expect(isLowercaseUuid(membership!.Id)).toBe(true);
      expect(addAnswer.body.Cursor).toBe(membership!.Id);
      expect(await readBack(membership!.Id)).toEqual(membership);

      const updateAnswer = await t.call('loyaltyMemberships/update', {
        ...sampleClient,
        LoyaltyMembershipUpdates: [{
          LoyaltyMembershipId: membership!.Id,
          LoyaltyProgramId: { Value: programId },
          State: { Value: 'Canceled' },
          IsPrimary: { Value: true },
          MembershipNumber: { Value: 'MBR-2025-AX49ZT73' },
          Points: { Value: 42 },
          ExpirationDate: { Value: '2038-01-19T03:14:07Z' },
          Url: { Value: 'https://final-rewards.example.com/member/PRV-MBR-9842XKLT' },
          LoyaltyTierId: { Value: otherTierId },
        }],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      });
      expectJsonAnswer(updateAnswer, 200);
      const expected = {
        ...membership!,
        State: 'Canceled',
        Points: 42,
        ExpirationDate: '2038-01-19T03:14:07Z',
        Url: 'https://final-rewards.example.com/member/PRV-MBR-9842XKLT',
        LoyaltyTierId: otherTierId,
      };
      expect(updateAnswer.body).toEqual({ LoyaltyMemberships: [expected], Cursor: membership!.Id });
      expect(await readBack(membership!.Id)).toEqual(expected);

      const second = await added([{ AccountId: johnGross, LoyaltyProgramId: programId }]);
      const deleteAnswer = await t.call('loyaltyMemberships/delete', {
        ...sampleClient,
        LoyaltyMembershipIds: [membership!.Id, second[0]!.Id],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      });
      expectJsonAnswer(deleteAnswer, 200);
      expect(deleteAnswer.body).toEqual({});
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
    });

    it('add, update and delete of seed 002 work with only the program, tier and membership ids replaced', async () => {
      const programId = await newProgram();
      const [tierId] = await newTiers(programId);
      const addAnswer = await t.call('loyaltyMemberships/add', {
        ...sampleClient,
        ChainId: '1df21f06-0cfc-4960-9c58-a3bf1261663e',
        LoyaltyMemberships: [{
          LoyaltyProgramId: programId,
          AccountId: '87d4c7c4-4832-4341-8b54-e45c1a73df34',
          Code: 'Code-003',
          IsPrimary: true,
          Points: 5,
          ExpirationDate: '2022-12-31',
          Url: '',
          LoyaltyTierId: tierId,
          State: 'New',
        }],
      });
      expectJsonAnswer(addAnswer, 200);
      const [membership] = addAnswer.body.LoyaltyMemberships as Membership[];
      expect(membership).toEqual({
        Id: membership!.Id,
        ChainId: grossChainId,
        AccountId: johnGross,
        LoyaltyProgramId: programId,
        State: 'New',
        IsPrimary: true,
        ProviderMembershipId: null,
        Code: 'Code-003',
        MembershipNumber: 'Code-003',
        Points: 5,
        ExpirationDate: '2022-12-31T00:00:00Z',
        Url: '',
        LoyaltyTierId: tierId,
        CreatorProfile: integration,
        UpdaterProfile: integration,
      });
      expect(addAnswer.body.Cursor).toBe(membership!.Id);

      const updateAnswer = await t.call('loyaltyMemberships/update', {
        ...sampleClient,
        ChainId: '1df21f06-0cfc-4960-9c58-a3bf1261663e',
        LoyaltyMembershipUpdates: [{
          LoyaltyMembershipId: membership!.Id,
          LoyaltyProgramId: { Value: programId },
          ExpirationDate: { Value: '2030-12-31' },
          Url: { Value: 'https://www.mews.com/' },
          LoyaltyTierId: { Value: tierId },
          State: { Value: 'Canceled' },
        }],
      });
      expectJsonAnswer(updateAnswer, 200);
      const expected = { ...membership!, ExpirationDate: '2030-12-31T00:00:00Z', Url: 'https://www.mews.com/', State: 'Canceled' };
      expect(updateAnswer.body).toEqual({ LoyaltyMemberships: [expected], Cursor: membership!.Id });
      expect(await readBack(membership!.Id)).toEqual(expected);

      const deleteAnswer = await t.call('loyaltyMemberships/delete', { ...sampleClient, LoyaltyMembershipIds: [membership!.Id] });
      expectJsonAnswer(deleteAnswer, 200);
      expect(deleteAnswer.body).toEqual({});
      expect(await readBack(membership!.Id)).toEqual(expected);
      expect(await listed(gross, { LoyaltyMembershipIds: [membership!.Id] })).toEqual([]);
    });
  });

  describe('add', () => {
    it('answers the memberships in request order, defaults State to Enrolled and nulls what was not sent', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const customer = await newCustomer();
      const answer = await add(gross, [
        { AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false },
        { AccountId: customer.toUpperCase(), LoyaltyProgramId: otherProgram.toUpperCase(), IsPrimary: false, State: null, Points: null },
      ]);
      expectJsonAnswer(answer, 200);
      const [first, second] = answer.body.LoyaltyMemberships as Membership[];
      const bare = {
        ChainId: grossChainId, AccountId: customer, State: 'Enrolled', IsPrimary: false, ProviderMembershipId: null, Code: null,
        MembershipNumber: null, Points: null, ExpirationDate: null, Url: null, LoyaltyTierId: null,
        CreatorProfile: integration, UpdaterProfile: integration,
      };
      expect(first).toEqual({ Id: first!.Id, LoyaltyProgramId: programId, ...bare });
      expect(second).toEqual({ Id: second!.Id, LoyaltyProgramId: otherProgram, ...bare });
      expect(answer.body.Cursor).toBe(second!.Id);
      expect(await listed(gross, { AccountIds: [customer] })).toEqual([second, first]);
    });

    it('gives new memberships version 7 UUIDs, rising in request order (the id index takes a batch in a few pages)', async () => {
      const customers = [await newCustomer(), await newCustomer(), await newCustomer()];
      const programId = await newProgram();
      const before = Date.now();
      const answer = await add(gross, customers.map((AccountId) => ({ AccountId, LoyaltyProgramId: programId, IsPrimary: false })));
      expectJsonAnswer(answer, 200);
      const ids = (answer.body.LoyaltyMemberships as Membership[]).map((m) => m.Id);
      for (const id of ids) {
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        // The first 48 bits are the creation time in milliseconds.
        const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
        expect(ms).toBeGreaterThanOrEqual(before - 1);
        expect(ms).toBeLessThanOrEqual(Date.now() + 1);
      }
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids).size).toBe(3);
    });

    it('keeps a State sent on add, whichever it is', async () => {
      const customer = await newCustomer();
      const states = ['New', 'Pending', 'Enrolled', 'Canceled', 'Declined'];
      const programs = await Promise.all(states.map(() => newProgram()));
      const memberships = await added(states.map((State, i) => ({ AccountId: customer, LoyaltyProgramId: programs[i], State })));
      expect(memberships.map((m) => m.State)).toEqual(states);
      expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: await newProgram(), IsPrimary: false, State: 'Active' }]), 400, 'LoyaltyMemberships[0].State');
    });

    it('requires AccountId, LoyaltyProgramId and IsPrimary, and at least one membership', async () => {
      const programId = await newProgram();
      const full = { AccountId: janeGross, LoyaltyProgramId: programId, IsPrimary: false };
      for (const field of ['AccountId', 'LoyaltyProgramId', 'IsPrimary'] as const) {
        const { [field]: _omitted, ...rest } = full;
        expectError(await add(gross, [rest]), 400, `LoyaltyMemberships[0].${field}`);
      }
      expectError(await add(gross, [{ ...full, IsPrimary: 'true' }]), 400, 'LoyaltyMemberships[0].IsPrimary');
      expectError(await add(gross, [{ ...full, AccountId: 'nope' }]), 400, 'LoyaltyMemberships[0].AccountId');
      expectError(await add(gross, []), 400, 'LoyaltyMemberships');
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates })).toEqual([]);
    });

    it('mirrors Code and MembershipNumber whichever is sent; both sent and different is a 400', async () => {
      const customer = await newCustomer();
      const [p1, p2, p3, p4] = await Promise.all([newProgram(), newProgram(), newProgram(), newProgram()]);
      const [byNumber, byCode, byBoth] = await added([
        { AccountId: customer, LoyaltyProgramId: p1, MembershipNumber: 'N-1' },
        { AccountId: customer, LoyaltyProgramId: p2, Code: 'C-2' },
        { AccountId: customer, LoyaltyProgramId: p3, Code: 'B-3', MembershipNumber: 'B-3' },
      ]);
      expect([byNumber!.Code, byNumber!.MembershipNumber]).toEqual(['N-1', 'N-1']);
      expect([byCode!.Code, byCode!.MembershipNumber]).toEqual(['C-2', 'C-2']);
      expect([byBoth!.Code, byBoth!.MembershipNumber]).toEqual(['B-3', 'B-3']);
      expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: p4, IsPrimary: false, Code: 'X', MembershipNumber: 'Y' }]), 400, 'Code');
      expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: p4, IsPrimary: false, MembershipNumber: 'm'.repeat(256) }]), 400, 'MembershipNumber');
      expect(await listed(gross, { LoyaltyProgramIds: [p4], ...allStates })).toEqual([]);
    });

    it('answers ExpirationDate as YYYY-MM-DDThh:mm:ssZ from a date or a date-time with an offset; garbage is a 400', async () => {
      const customer = await newCustomer();
      const [p1, p2, p3] = await Promise.all([newProgram(), newProgram(), newProgram()]);
      const [date, offset, utc] = await added([
        { AccountId: customer, LoyaltyProgramId: p1, ExpirationDate: '2029-12-24' },
        { AccountId: customer, LoyaltyProgramId: p2, ExpirationDate: '2029-11-04T13:00:00+02:00' },
        { AccountId: customer, LoyaltyProgramId: p3, ExpirationDate: '2029-11-04T13:00:00Z' },
      ]);
      expect(date!.ExpirationDate).toBe('2029-12-24T00:00:00Z');
      expect(offset!.ExpirationDate).toBe('2029-11-04T11:00:00Z');
      expect(utc!.ExpirationDate).toBe('2029-11-04T13:00:00Z');
      expect((await readBack(offset!.Id)).ExpirationDate).toBe('2029-11-04T11:00:00Z');
      const p4 = await newProgram();
      for (const garbage of ['not a date', '2029-13-01', '2029-02-30', '24/12/2029', '']) {
        expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: p4, IsPrimary: false, ExpirationDate: garbage }]), 400, 'ExpirationDate');
      }
      expect(await listed(gross, { LoyaltyProgramIds: [p4], ...allStates })).toEqual([]);
    });

    it('takes Points as an integer: 1.5 and "5" are 400', async () => {
      const programId = await newProgram();
      expectError(await add(gross, [{ AccountId: janeGross, LoyaltyProgramId: programId, IsPrimary: false, Points: 1.5 }]), 400, 'LoyaltyMemberships[0].Points');
      expectError(await add(gross, [{ AccountId: janeGross, LoyaltyProgramId: programId, IsPrimary: false, Points: '5' }]), 400, 'LoyaltyMemberships[0].Points');
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: -7 }]);
      expect(membership!.Points).toBe(-7);
    });

    it('ignores ProviderMembershipId on add; update sets it', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId, ProviderMembershipId: 'PRV-1' }]);
      expect(membership!.ProviderMembershipId).toBeNull();
      expect((await readBack(membership!.Id)).ProviderMembershipId).toBeNull();
      const [changed] = await updated([{ LoyaltyMembershipId: membership!.Id, ProviderMembershipId: { Value: 'PRV-1' } }]);
      expect(changed!.ProviderMembershipId).toBe('PRV-1');
      expect(await readBack(membership!.Id)).toEqual(changed);
    });
  });

  describe('update', () => {
    it('sets every update value of the seeds and the published page', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const [tierId] = await newTiers(programId);
      const [otherTierId] = await newTiers(otherProgram);
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      const [changed] = await updated([{
        LoyaltyMembershipId: membership!.Id,
        LoyaltyProgramId: { Value: otherProgram },
        State: { Value: 'Pending' },
        IsPrimary: { Value: true },
        MembershipNumber: { Value: 'MBR-1' },
        ProviderMembershipId: { Value: 'p'.repeat(100) },
        Points: { Value: 42 },
        ExpirationDate: { Value: '2029-11-04T13:00:00+02:00' },
        Url: { Value: 'https://rewards.example.com/m/1' },
        LoyaltyTierId: { Value: otherTierId },
      }]);
      const expected = {
        ...membership!,
        LoyaltyProgramId: otherProgram,
        State: 'Pending',
        IsPrimary: true,
        MembershipNumber: 'MBR-1',
        Code: 'MBR-1',
        ProviderMembershipId: 'p'.repeat(100),
        Points: 42,
        ExpirationDate: '2029-11-04T11:00:00Z',
        Url: 'https://rewards.example.com/m/1',
        LoyaltyTierId: otherTierId,
      };
      expect(changed).toEqual(expected);
      expect(await readBack(membership!.Id)).toEqual(expected);

      const [byCode] = await updated([{ LoyaltyMembershipId: membership!.Id, Code: { Value: 'CODE-2' } }]);
      expect([byCode!.Code, byCode!.MembershipNumber]).toEqual(['CODE-2', 'CODE-2']);
      expect(tierId).not.toBe(otherTierId);
    });

    it('clears the nullable values with { "Value": null }', async () => {
      const programId = await newProgram();
      const [tierId] = await newTiers(programId);
      const [membership] = await added([{
        AccountId: await newCustomer(), LoyaltyProgramId: programId, MembershipNumber: 'M-1', Points: 3,
        ExpirationDate: '2030-01-01', Url: 'https://example.com', LoyaltyTierId: tierId,
      }]);
      await updated([{ LoyaltyMembershipId: membership!.Id, ProviderMembershipId: { Value: 'PRV' } }]);
      const [cleared] = await updated([{
        LoyaltyMembershipId: membership!.Id,
        Points: { Value: null },
        MembershipNumber: { Value: null },
        ProviderMembershipId: { Value: null },
        ExpirationDate: { Value: null },
        Url: { Value: null },
        LoyaltyTierId: { Value: null },
      }]);
      const expected = {
        ...membership!, Points: null, MembershipNumber: null, Code: null, ProviderMembershipId: null, ExpirationDate: null, Url: null, LoyaltyTierId: null,
      };
      expect(cleared).toEqual(expected);
      expect(await readBack(membership!.Id)).toEqual(expected);

      // The deprecated Code clears both too.
      await updated([{ LoyaltyMembershipId: membership!.Id, MembershipNumber: { Value: 'M-2' } }]);
      const [byCode] = await updated([{ LoyaltyMembershipId: membership!.Id, Code: { Value: null } }]);
      expect([byCode!.Code, byCode!.MembershipNumber]).toEqual([null, null]);
    });

    it('keeps a value that is omitted or null', async () => {
      const programId = await newProgram();
      const [tierId] = await newTiers(programId);
      const [membership] = await added([{
        AccountId: await newCustomer(), LoyaltyProgramId: programId, State: 'Pending', MembershipNumber: 'KEEP', Points: 9,
        ExpirationDate: '2031-05-06T07:08:09Z', Url: 'https://keep.example.com', LoyaltyTierId: tierId,
      }]);
      await updated([{ LoyaltyMembershipId: membership!.Id, ProviderMembershipId: { Value: 'PRV-KEEP' } }]);
      const before = await readBack(membership!.Id);
      const [same] = await updated([{
        LoyaltyMembershipId: membership!.Id, LoyaltyProgramId: null, State: null, IsPrimary: null, MembershipNumber: null, Code: null,
        ProviderMembershipId: null, Points: null, ExpirationDate: null, Url: null, LoyaltyTierId: null,
      }]);
      expect(same).toEqual(before);
      const [omitted] = await updated([{ LoyaltyMembershipId: membership!.Id }]);
      expect(omitted).toEqual(before);
      expect(await readBack(membership!.Id)).toEqual(before);
      expect(before.ProviderMembershipId).toBe('PRV-KEEP');
    });

    it('answers 400 for { "Value": null } on State, IsPrimary and LoyaltyProgramId, and for bad values', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 1 }]);
      const id = membership!.Id;
      for (const field of ['State', 'IsPrimary', 'LoyaltyProgramId']) {
        expectError(await update(gross, [{ LoyaltyMembershipId: id, [field]: { Value: null } }]), 400, `LoyaltyMembershipUpdates[0].${field}`);
      }
      expectError(await update(gross, [{ LoyaltyMembershipId: id, Points: { Value: 1.5 } }]), 400, 'Points');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, Points: { Value: '5' } }]), 400, 'Points');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, ProviderMembershipId: { Value: 'p'.repeat(101) } }]), 400, 'ProviderMembershipId');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, MembershipNumber: { Value: 'm'.repeat(256) } }]), 400, 'MembershipNumber');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, ExpirationDate: { Value: 'garbage' } }]), 400, 'ExpirationDate');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, State: { Value: 'Gone' } }]), 400, 'State');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, Code: { Value: 'A' }, MembershipNumber: { Value: 'B' } }]), 400, 'Code');
      expectError(await update(gross, [{ LoyaltyMembershipId: id, LoyaltyProgramId: { Value: unknownId } }]), 400, 'Invalid LoyaltyProgramId');
      expectError(await update(gross, [{ LoyaltyMembershipId: unknownId, Points: { Value: 2 } }]), 400, 'Invalid LoyaltyMembershipId');
      expectError(await update(gross, [{ LoyaltyMembershipId: 'nope' }]), 400, 'LoyaltyMembershipUpdates[0].LoyaltyMembershipId');
      expectError(await update(gross, []), 400, 'LoyaltyMembershipUpdates');
      expect(await readBack(id)).toEqual(membership);
    });

    it('answers 400 for an update of a deleted membership', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      expectJsonAnswer(await remove(gross, [membership!.Id]), 200);
      expectError(await update(gross, [{ LoyaltyMembershipId: membership!.Id, Points: { Value: 2 } }]), 400, 'Invalid LoyaltyMembershipId');
    });
  });

  describe('rules', () => {
    it('a LoyaltyTierId must be an active tier of the membership\'s program (400)', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const [tierId, deletedTierId] = await newTiers(programId, 2);
      const [foreignTierId] = await newTiers(otherProgram);
      expectJsonAnswer(await t.call('loyaltyTiers/delete', { ...gross, LoyaltyTierIds: [deletedTierId] }), 200);
      const customer = await newCustomer();
      for (const bad of [foreignTierId, deletedTierId, unknownId]) {
        expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false, LoyaltyTierId: bad }]), 400, 'Invalid LoyaltyTierId');
      }
      const [membership] = await added([{ AccountId: customer, LoyaltyProgramId: programId, LoyaltyTierId: tierId }]);
      for (const bad of [foreignTierId, deletedTierId, unknownId]) {
        expectError(await update(gross, [{ LoyaltyMembershipId: membership!.Id, LoyaltyTierId: { Value: bad } }]), 400, 'Invalid LoyaltyTierId');
      }
      expect(await readBack(membership!.Id)).toEqual(membership);
    });

    it('changing LoyaltyProgramId while keeping a tier of the old program is a 400 unless LoyaltyTierId changes too', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const [tierId] = await newTiers(programId);
      const [otherTierId] = await newTiers(otherProgram);
      const [withTier, withoutTier] = await added([
        { AccountId: await newCustomer(), LoyaltyProgramId: programId, LoyaltyTierId: tierId },
        { AccountId: await newCustomer(), LoyaltyProgramId: programId },
      ]);
      expectError(await update(gross, [{ LoyaltyMembershipId: withTier!.Id, LoyaltyProgramId: { Value: otherProgram } }]), 400, 'LoyaltyTierId');
      expectError(await update(gross, [{ LoyaltyMembershipId: withTier!.Id, LoyaltyProgramId: { Value: otherProgram }, LoyaltyTierId: { Value: tierId } }]), 400, 'LoyaltyTierId');
      expect(await readBack(withTier!.Id)).toEqual(withTier);

      const [moved] = await updated([{ LoyaltyMembershipId: withTier!.Id, LoyaltyProgramId: { Value: otherProgram }, LoyaltyTierId: { Value: otherTierId } }]);
      expect([moved!.LoyaltyProgramId, moved!.LoyaltyTierId]).toEqual([otherProgram, otherTierId]);
      const [back] = await updated([{ LoyaltyMembershipId: withTier!.Id, LoyaltyProgramId: { Value: programId }, LoyaltyTierId: { Value: null } }]);
      expect([back!.LoyaltyProgramId, back!.LoyaltyTierId]).toEqual([programId, null]);
      // Without a tier, the program alone can change.
      const [plain] = await updated([{ LoyaltyMembershipId: withoutTier!.Id, LoyaltyProgramId: { Value: otherProgram } }]);
      expect([plain!.LoyaltyProgramId, plain!.LoyaltyTierId]).toEqual([otherProgram, null]);
    });

    it('an account has one active membership per program: 403 on add, in one batch and on update; allowed again after delete', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const customer = await newCustomer();
      const [first] = await added([{ AccountId: customer, LoyaltyProgramId: programId }]);
      expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false }]), 403, 'LoyaltyMemberships[0]');

      const batch = await add(gross, [
        { AccountId: customer, LoyaltyProgramId: otherProgram, IsPrimary: false },
        { AccountId: customer, LoyaltyProgramId: otherProgram, IsPrimary: false },
      ]);
      expectError(batch, 403, 'LoyaltyMemberships[1]');
      expect(await listed(gross, { LoyaltyProgramIds: [otherProgram], ...allStates })).toEqual([]);

      const [second] = await added([{ AccountId: customer, LoyaltyProgramId: otherProgram }]);
      expectError(await update(gross, [{ LoyaltyMembershipId: second!.Id, LoyaltyProgramId: { Value: programId } }]), 403, 'LoyaltyMembershipUpdates[0]');
      expect(await readBack(second!.Id)).toEqual(second);

      expectJsonAnswer(await remove(gross, [first!.Id]), 200);
      const [again] = await added([{ AccountId: customer, LoyaltyProgramId: programId }]);
      expect(again!.Id).not.toBe(first!.Id);
      expectJsonAnswer(await remove(gross, [again!.Id]), 200);
      const [moved] = await updated([{ LoyaltyMembershipId: second!.Id, LoyaltyProgramId: { Value: programId } }]);
      expect(moved!.LoyaltyProgramId).toBe(programId);
      // Another account in the same program is fine.
      await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
    });

    it('an account has at most one primary membership per chain: adding a second primary clears the first', async () => {
      const [p1, p2, p3] = await Promise.all([newProgram(), newProgram(), newProgram()]);
      const customer = await newCustomer();
      const other = await newCustomer();
      const [first] = await added([{ AccountId: customer, LoyaltyProgramId: p1, IsPrimary: true }]);
      const [otherPrimary] = await added([{ AccountId: other, LoyaltyProgramId: p1, IsPrimary: true }]);
      expect(first!.IsPrimary).toBe(true);
      clock.advance(5);
      const middle = clock.millis();
      const [second] = await added([{ AccountId: customer, LoyaltyProgramId: p2, IsPrimary: true }]);
      expect(second!.IsPrimary).toBe(true);
      expect((await readBack(first!.Id)).IsPrimary).toBe(false);
      expect((await readBack(otherPrimary!.Id)).IsPrimary).toBe(true);
      // The cleared membership's UpdatedUtc changed too.
      const changedSince = await listed(gross, { AccountIds: [customer, other], UpdatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle + hour) } });
      expect(ids(changedSince).sort()).toEqual([first!.Id, second!.Id].sort());

      // Two primaries in one batch: one primary in the end.
      const p4 = await newProgram();
      const both = await added([
        { AccountId: customer, LoyaltyProgramId: p3, IsPrimary: true },
        { AccountId: customer, LoyaltyProgramId: p4, IsPrimary: true },
      ]);
      const primaries = (await listed(gross, { AccountIds: [customer] })).filter((m) => m.IsPrimary);
      expect(primaries).toHaveLength(1);
      expect(ids(both)).toContain(primaries[0]!.Id);
      expect(both.filter((m) => m.IsPrimary).map((m) => m.Id)).toEqual([primaries[0]!.Id]);
    });

    it('updating a membership to primary clears the account\'s other primary', async () => {
      const [p1, p2] = await Promise.all([newProgram(), newProgram()]);
      const customer = await newCustomer();
      const [primary, plain] = await added([
        { AccountId: customer, LoyaltyProgramId: p1, IsPrimary: true },
        { AccountId: customer, LoyaltyProgramId: p2, IsPrimary: false },
      ]);
      const [nowPrimary] = await updated([{ LoyaltyMembershipId: plain!.Id, IsPrimary: { Value: true } }]);
      expect(nowPrimary!.IsPrimary).toBe(true);
      expect((await readBack(primary!.Id)).IsPrimary).toBe(false);
      expect((await readBack(plain!.Id)).IsPrimary).toBe(true);

      // Both named in one batch, the later one wins.
      const answer = await updated([
        { LoyaltyMembershipId: primary!.Id, IsPrimary: { Value: true } },
        { LoyaltyMembershipId: plain!.Id, IsPrimary: { Value: true } },
      ]);
      expect(answer.map((m) => m.IsPrimary)).toEqual([false, true]);
      expect((await readBack(primary!.Id)).IsPrimary).toBe(false);
      const [unset] = await updated([{ LoyaltyMembershipId: plain!.Id, IsPrimary: { Value: false } }]);
      expect(unset!.IsPrimary).toBe(false);
    });

    it('AccountId must be an active customer or company of the membership\'s chain (400)', async () => {
      const programId = await newProgram();
      for (const bad of [janeNet, unknownId, programId]) {
        expectError(await add(gross, [{ AccountId: bad, LoyaltyProgramId: programId, IsPrimary: false }]), 400, 'Invalid AccountId');
      }
      const netCustomer = await newCustomer(net);
      expectError(await add(gross, [{ AccountId: netCustomer, LoyaltyProgramId: programId, IsPrimary: false }]), 400, 'Invalid AccountId');
      const [company] = await added([{ AccountId: acmeGross, LoyaltyProgramId: programId }]);
      expect(company!.AccountId).toBe(acmeGross);
      const newCompany = await t.call('companies/add', { ...gross, Name: unique('Company'), Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } });
      expectJsonAnswer(newCompany, 200);
      const [ofNewCompany] = await added([{ AccountId: newCompany.body.Companies[0].Id, LoyaltyProgramId: programId }]);
      expect(ofNewCompany!.AccountId).toBe(newCompany.body.Companies[0].Id);
      // The net token enrols its own customer in its own program.
      const netProgram = await newProgram(net);
      const [netMembership] = await added([{ AccountId: janeNet, LoyaltyProgramId: netProgram }], net);
      expect(netMembership!.ChainId).toBe(netChainId);
    });

    it('a program with active memberships cannot be deleted (403); once they are deleted it can (200)', async () => {
      const programId = await newProgram();
      const [a, b] = await added([
        { AccountId: await newCustomer(), LoyaltyProgramId: programId },
        { AccountId: await newCustomer(), LoyaltyProgramId: programId },
      ]);
      const deleteProgram = () => t.call('loyaltyPrograms/delete', { ...gross, LoyaltyProgramIds: [programId] });
      expectError(await deleteProgram(), 403);
      expectJsonAnswer(await remove(gross, [a!.Id]), 200);
      expectError(await deleteProgram(), 403);
      expectJsonAnswer(await remove(gross, [b!.Id]), 200);
      expectJsonAnswer(await deleteProgram(), 200);
      expectError(await add(gross, [{ AccountId: await newCustomer(), LoyaltyProgramId: programId, IsPrimary: false }]), 400, 'Invalid LoyaltyProgramId');
    });

    it('a deleted or unknown program, or another chain\'s, is a 400 on add', async () => {
      const netProgram = await newProgram(net);
      const customer = await newCustomer();
      for (const bad of [unknownId, netProgram]) {
        expectError(await add(gross, [{ AccountId: customer, LoyaltyProgramId: bad, IsPrimary: false }]), 400, 'Invalid LoyaltyProgramId');
      }
    });
  });

  describe('atomic batches', () => {
    it('a 3-item add whose last item breaks a rule writes nothing, and clears no primary', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const customer = await newCustomer();
      const [existing] = await added([{ AccountId: customer, LoyaltyProgramId: otherProgram, IsPrimary: true }]);
      const c1 = await newCustomer();
      const c2 = await newCustomer();
      const breakers: [Record<string, unknown>, number][] = [
        [{ AccountId: c1, LoyaltyProgramId: programId, IsPrimary: false }, 403],
        [{ AccountId: janeNet, LoyaltyProgramId: programId, IsPrimary: false }, 400],
        [{ AccountId: c2, LoyaltyProgramId: programId, IsPrimary: false, Points: 1.5 }, 400],
        [{ AccountId: c2, LoyaltyProgramId: programId, IsPrimary: false, ExpirationDate: 'never' }, 400],
      ];
      for (const [last, status] of breakers) {
        const answer = await add(gross, [
          { AccountId: c1, LoyaltyProgramId: programId, IsPrimary: false },
          { AccountId: customer, LoyaltyProgramId: programId, IsPrimary: true },
          last,
        ]);
        expectError(answer, status);
        expect(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates })).toEqual([]);
        expect((await readBack(existing!.Id)).IsPrimary).toBe(true);
      }
    });

    it('an update batch whose last item breaks a rule applies none of the updates', async () => {
      const programId = await newProgram();
      const otherProgram = await newProgram();
      const customer = await newCustomer();
      const [a, b, c] = await added([
        { AccountId: customer, LoyaltyProgramId: programId, Points: 1 },
        { AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 2, IsPrimary: true },
        { AccountId: customer, LoyaltyProgramId: otherProgram, Points: 3, IsPrimary: true },
      ]);
      const answer = await update(gross, [
        { LoyaltyMembershipId: a!.Id, Points: { Value: 100 }, IsPrimary: { Value: true } },
        { LoyaltyMembershipId: b!.Id, State: { Value: 'Canceled' }, Url: { Value: 'https://changed.example.com' } },
        { LoyaltyMembershipId: c!.Id, LoyaltyProgramId: { Value: programId } },
      ]);
      expectError(answer, 403, 'LoyaltyMembershipUpdates[2]');
      expect(await readBack(a!.Id)).toEqual(a);
      expect(await readBack(b!.Id)).toEqual(b);
      expect(await readBack(c!.Id)).toEqual(c);

      const unknown = await update(gross, [
        { LoyaltyMembershipId: a!.Id, Points: { Value: 100 } },
        { LoyaltyMembershipId: unknownId, Points: { Value: 100 } },
      ]);
      expectError(unknown, 400, 'Invalid LoyaltyMembershipId');
      expect(await readBack(a!.Id)).toEqual(a);
    });

    it('a delete batch with an unknown id deletes nothing', async () => {
      const programId = await newProgram();
      const [a] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      expectError(await remove(gross, [a!.Id, unknownId]), 400, 'Invalid LoyaltyMembershipIds[1]');
      expectError(await remove(gross, []), 400, 'LoyaltyMembershipIds');
      expectError(await remove(gross, ['nope']), 400, 'LoyaltyMembershipIds[0]');
      expect(ids(await listed(gross, { LoyaltyProgramIds: [programId] }))).toEqual([a!.Id]);
      expectJsonAnswer(await remove(gross, [a!.Id]), 200);
      expectError(await remove(gross, [a!.Id]), 400, 'Invalid LoyaltyMembershipIds[0]');
    });
  });

  describe('getAll filters', () => {
    /** Two programs, three accounts, five memberships with distinct states and numbers. */
    const fixture = async () => {
      const [p1, p2] = await Promise.all([newProgram(), newProgram()]);
      const [c1, c2, c3] = [await newCustomer(), await newCustomer(), await newCustomer()];
      const tag = unique('F');
      const memberships = await added([
        { AccountId: c1, LoyaltyProgramId: p1, State: 'New', MembershipNumber: `${tag}-1` },
        { AccountId: c2, LoyaltyProgramId: p1, State: 'Pending', Code: `${tag}-2` },
        { AccountId: c3, LoyaltyProgramId: p1, State: 'Enrolled' },
        { AccountId: c1, LoyaltyProgramId: p2, State: 'Canceled', MembershipNumber: `${tag}-4` },
        { AccountId: c2, LoyaltyProgramId: p2, State: 'Declined' },
      ]);
      await updated([
        { LoyaltyMembershipId: memberships[2]!.Id, ProviderMembershipId: { Value: `${tag}-PRV-3` } },
        { LoyaltyMembershipId: memberships[4]!.Id, ProviderMembershipId: { Value: `${tag}-PRV-5` } },
      ]);
      const [m1, m2, m3, m4, m5] = memberships.map((m) => m.Id) as [string, string, string, string, string];
      return { p1, p2, c1, c2, c3, tag, m1, m2, m3, m4, m5, programs: [p1, p2] };
    };

    it('LoyaltyMembershipIds, LoyaltyProgramIds, AccountIds and MembershipStates, alone and combined', async () => {
      const f = await fixture();
      const scope = { LoyaltyProgramIds: f.programs };
      expect(ids(await listed(gross, scope))).toEqual([f.m5, f.m4, f.m3, f.m2, f.m1]);
      expect(ids(await listed(gross, { LoyaltyMembershipIds: [f.m1, f.m4.toUpperCase()] }))).toEqual([f.m4, f.m1]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [f.p2] }))).toEqual([f.m5, f.m4]);
      expect(ids(await listed(gross, { AccountIds: [f.c1] }))).toEqual([f.m4, f.m1]);
      expect(ids(await listed(gross, { AccountIds: [f.c2, f.c3] }))).toEqual([f.m5, f.m3, f.m2]);
      expect(ids(await listed(gross, { ...scope, MembershipStates: ['New', 'Declined'] }))).toEqual([f.m5, f.m1]);
      expect(ids(await listed(gross, { ...scope, MembershipStates: ['Enrolled'] }))).toEqual([f.m3]);
      expect(ids(await listed(gross, { LoyaltyProgramIds: [f.p1], AccountIds: [f.c1, f.c2], MembershipStates: ['Pending', 'Canceled'] }))).toEqual([f.m2]);
      expect(await listed(gross, { ...scope, LoyaltyMembershipIds: [] })).toEqual([]);
      expect(await listed(gross, { LoyaltyMembershipIds: [unknownId] })).toEqual([]);
      expectError(await getAll(gross, { ...scope, MembershipStates: ['Active'] }), 400, 'MembershipStates[0]');
      expectError(await getAll(gross, { AccountIds: ['nope'] }), 400, 'AccountIds[0]');
    });

    it('MembershipNumbers, the deprecated Codes and ProviderMembershipIds', async () => {
      const f = await fixture();
      expect(ids(await listed(gross, { MembershipNumbers: [`${f.tag}-1`, `${f.tag}-2`] }))).toEqual([f.m2, f.m1]);
      expect(ids(await listed(gross, { Codes: [`${f.tag}-4`] }))).toEqual([f.m4]);
      expect(ids(await listed(gross, { ProviderMembershipIds: [`${f.tag}-PRV-3`, `${f.tag}-PRV-5`] }))).toEqual([f.m5, f.m3]);
      expect(ids(await listed(gross, { ProviderMembershipIds: [`${f.tag}-PRV-5`], LoyaltyProgramIds: [f.p1] }))).toEqual([]);
      expect(await listed(gross, { MembershipNumbers: [`${f.tag}-none`] })).toEqual([]);
    });

    it('ActivityStates: Active by default, Deleted, or both', async () => {
      const f = await fixture();
      expectJsonAnswer(await remove(gross, [f.m2, f.m4]), 200);
      const scope = { LoyaltyProgramIds: f.programs };
      expect(ids(await listed(gross, scope))).toEqual([f.m5, f.m3, f.m1]);
      expect(ids(await listed(gross, { ...scope, ActivityStates: ['Active'] }))).toEqual([f.m5, f.m3, f.m1]);
      expect(ids(await listed(gross, { ...scope, ActivityStates: ['Deleted'] }))).toEqual([f.m4, f.m2]);
      expect(ids(await listed(gross, { ...scope, ActivityStates: ['Active', 'Deleted'] }))).toEqual([f.m5, f.m4, f.m3, f.m2, f.m1]);
      expectError(await getAll(gross, { ...scope, ActivityStates: ['Removed'] }), 400, 'ActivityStates[0]');
      // AccountIds read active and deleted memberships from two indexes: each state alone, both merged in order.
      const accounts = { AccountIds: [f.c1, f.c2, f.c3] };
      expect(ids(await listed(gross, accounts))).toEqual([f.m5, f.m3, f.m1]);
      expect(ids(await listed(gross, { ...accounts, ActivityStates: ['Deleted'] }))).toEqual([f.m4, f.m2]);
      expect(ids(await listed(gross, { ...accounts, ActivityStates: ['Deleted', 'Active'] }))).toEqual([f.m5, f.m4, f.m3, f.m2, f.m1]);
      const firstPage = await getAll(gross, { ...accounts, ActivityStates: ['Active', 'Deleted'], Limitation: { Count: 2 } });
      expectJsonAnswer(firstPage, 200);
      expect(ids(firstPage.body.LoyaltyMemberships)).toEqual([f.m5, f.m4]);
      const secondPage = await getAll(gross, { ...accounts, ActivityStates: ['Active', 'Deleted'], Limitation: { Count: 2, Cursor: firstPage.body.Cursor } });
      expect(ids(secondPage.body.LoyaltyMemberships)).toEqual([f.m3, f.m2]);
    });

    it('CreatedUtc and UpdatedUtc, half-open intervals; bad intervals are a 400', async () => {
      const programId = await newProgram();
      const [early] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      clock.advance(5);
      const created = clock.millis();
      clock.advance(5);
      const [late] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      clock.advance(5);
      const touched = clock.millis();
      clock.advance(5);
      await updated([{ LoyaltyMembershipId: early!.Id, Points: { Value: 1 } }]);
      const scope = { LoyaltyProgramIds: [programId] };
      const interval = (start: number, end: number) => ({ StartUtc: iso(start), EndUtc: iso(end) });

      expect(ids(await listed(gross, { ...scope, CreatedUtc: interval(created, created + hour) }))).toEqual([late!.Id]);
      expect(ids(await listed(gross, { ...scope, CreatedUtc: interval(created - hour, created) }))).toEqual([early!.Id]);
      expect(ids(await listed(gross, { ...scope, UpdatedUtc: interval(touched, touched + hour) }))).toEqual([early!.Id]);
      expect(ids(await listed(gross, { ...scope, UpdatedUtc: interval(created, touched) }))).toEqual([late!.Id]);
      expect(ids(await listed(gross, { ...scope, CreatedUtc: interval(created - hour, created + hour), UpdatedUtc: interval(touched, touched + hour) }))).toEqual([early!.Id]);
      expect(await listed(gross, { ...scope, CreatedUtc: { StartUtc: '2022-10-15T00:00:00Z', EndUtc: '2022-10-20T00:00:00Z' } })).toEqual([]);

      expectError(await getAll(gross, { ...scope, CreatedUtc: interval(created, created - 1000) }), 400, 'CreatedUtc');
      expectError(await getAll(gross, { ...scope, UpdatedUtc: { StartUtc: 'then', EndUtc: iso(created) } }), 400, 'UpdatedUtc');
      expectError(await getAll(gross, { ...scope, CreatedUtc: { StartUtc: '2024-01-31T00:00:00Z', EndUtc: '2024-05-01T00:00:00Z' } }), 400, 'CreatedUtc');
    });

    it('requires Limitation with a Count from 1 to 1000; an unknown Cursor is a 400', async () => {
      expectError(await t.call('loyaltyMemberships/getAll', { ...gross }), 400, 'Limitation');
      expectError(await getAll(gross, { Limitation: { Count: 0 } }), 400, 'Limitation.Count');
      expectError(await getAll(gross, { Limitation: { Count: 1001 } }), 400, 'Limitation.Count');
      expectError(await getAll(gross, { Limitation: { Count: 10, Cursor: unknownId } }), 400, 'Cursor');
      // Also where the filter matches nothing, and on a page that would be empty anyway.
      expectError(await getAll(gross, { LoyaltyMembershipIds: [], Limitation: { Count: 10, Cursor: unknownId } }), 400, 'Cursor');
      expectError(await getAll(gross, { LoyaltyProgramIds: [unknownId], Limitation: { Count: 10, Cursor: unknownId } }), 400, 'Cursor');
    });

    it('a Cursor on the oldest membership of a filter answers an empty last page, not a 400', async () => {
      const programId = await newProgram();
      const [older, newer] = await added([
        { AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 1 },
        { AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 2 },
      ]);
      const first = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 1 } });
      expectJsonAnswer(first, 200);
      expect(first.body.LoyaltyMemberships.map((m: { Id: string }) => m.Id)).toEqual([newer!.Id]);
      expect(first.body.Cursor).toBe(newer!.Id);
      const second = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 1, Cursor: first.body.Cursor.toUpperCase() } });
      expectJsonAnswer(second, 200);
      expect(second.body).toEqual({ LoyaltyMemberships: [older], Cursor: older!.Id });
      const last = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 1, Cursor: older!.Id } });
      expectJsonAnswer(last, 200);
      expect(last.body).toEqual({ LoyaltyMemberships: [], Cursor: null });
    });

    it('an empty page answers 204 under Prefer: return=minimal', async () => {
      const answer = await t.call('loyaltyMemberships/getAll', { ...gross, LoyaltyMembershipIds: [unknownId], Limitation: { Count: 10 } }, { prefer: 'return=minimal' });
      expect(answer.status).toBe(204);
      expect(answer.body).toBeUndefined();
      expect(isLowercaseUuid(answer.headers['request-id'])).toBe(true);
    });

    it('a page with items answers 200 with them under Prefer: return=minimal, as without it', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      const filter = { ...gross, LoyaltyProgramIds: [programId], Limitation: { Count: 10 } };
      const minimal = await t.call('loyaltyMemberships/getAll', filter, { prefer: 'return=minimal' });
      expectJsonAnswer(minimal, 200);
      expect(minimal.headers['preference-applied']).toBeUndefined();
      expect(minimal.body).toEqual({ LoyaltyMemberships: [membership], Cursor: membership!.Id });
      expect(minimal.body).toEqual((await getAll(gross, filter)).body);
    });

    it('walks ~30 memberships page by page, newest first, each exactly once, with Cursor null on the empty page', async () => {
      const programs = await Promise.all(Array.from({ length: 6 }, () => newProgram()));
      const customers: string[] = [];
      for (let i = 0; i < 6; i++) customers.push(await newCustomer());
      const all: Membership[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const items = [];
        for (let i = batch * 10; i < batch * 10 + 10; i++) items.push({ AccountId: customers[i % 5], LoyaltyProgramId: programs[Math.floor(i / 5)] });
        all.push(...await added(items));
      }
      const expected = ids(all).reverse();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const answer = await getAll(gross, { LoyaltyProgramIds: programs, Limitation: { Count: 7, Cursor: cursor } });
        expectJsonAnswer(answer, 200);
        const page = ids(answer.body.LoyaltyMemberships);
        if (page.length === 0) {
          expect(answer.body.Cursor).toBeNull();
          break;
        }
        expect(page.length).toBeLessThanOrEqual(7);
        expect(answer.body.Cursor).toBe(page.at(-1));
        seen.push(...page);
        cursor = answer.body.Cursor;
        if (++pages === 1) {
          // A record added while walking does not shift the pages.
          await added([{ AccountId: customers[5], LoyaltyProgramId: programs[0] }]);
        }
        expect(pages).toBeLessThan(10);
      }
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(30);
      expect(pages).toBe(5);
    });
  });

  describe('delete', () => {
    it('soft-deletes: answers {} and the membership comes back only as Deleted', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 4 }]);
      const answer = await remove(gross, [membership!.Id.toUpperCase()]);
      expectJsonAnswer(answer, 200);
      expect(answer.body).toEqual({});
      expect(await listed(gross, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] })).toEqual([membership]);
    });

    it('answers 204 with no body and no Content-Type under Prefer: return=minimal', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      const answer = await t.call('loyaltyMemberships/delete', { ...gross, LoyaltyMembershipIds: [membership!.Id] }, { prefer: 'return=minimal' });
      expect(answer.status).toBe(204);
      expect(answer.body).toBeUndefined();
      expect(answer.headers['content-type']).toBeUndefined();
      expect(isLowercaseUuid(answer.headers['request-id'])).toBe(true);
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ActivityStates: ['Deleted'] })).toHaveLength(1);
    });
  });

  describe('isolation', () => {
    it('a token of the net chain can neither see, update nor delete gross memberships', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId, Points: 1 }]);
      expect(await listed(net, { LoyaltyMembershipIds: [membership!.Id], ...allStates })).toEqual([]);
      expect(await listed(net, { LoyaltyProgramIds: [programId] })).toEqual([]);
      expect(ids(await listed(net)).includes(membership!.Id)).toBe(false);
      expect(await listed(net, { ChainIds: [grossChainId], LoyaltyMembershipIds: [membership!.Id] })).toEqual([]);
      expectError(await update(net, [{ LoyaltyMembershipId: membership!.Id, Points: { Value: 99 } }]), 400, 'Invalid LoyaltyMembershipId');
      expectError(await remove(net, [membership!.Id]), 400, 'Invalid LoyaltyMembershipIds[0]');
      expectError(await getAll(net, { Limitation: { Count: 10, Cursor: membership!.Id } }), 400, 'Cursor');
      expect(await readBack(membership!.Id)).toEqual(membership);
    });
  });

  describe('portfolio token', () => {
    it('add needs a ChainId in scope: 400 without it, 400 outside the scope, 200 inside', async () => {
      const programId = await newProgram();
      const customer = await newCustomer();
      const item = { AccountId: customer, LoyaltyProgramId: programId, IsPrimary: false };
      expectError(await add(portfolio, [item]), 400, 'ChainId');
      expectError(await add(portfolio, [item], { ChainId: netChainId }), 400, 'ChainId');
      expectError(await add(portfolio, [item], { ChainId: thirdChainId }), 400, 'Invalid LoyaltyProgramId');
      expect(await listed(gross, { LoyaltyProgramIds: [programId], ...allStates })).toEqual([]);
      const [membership] = await added([item], portfolio, { ChainId: grossChainId });
      expect(membership!.ChainId).toBe(grossChainId);
      expect(await readBack(membership!.Id)).toEqual(membership);
    });

    it('update and delete need a ChainId in scope, and the membership must be of that chain', async () => {
      const programId = await newProgram();
      const [membership] = await added([{ AccountId: await newCustomer(), LoyaltyProgramId: programId }]);
      const change = [{ LoyaltyMembershipId: membership!.Id, Points: { Value: 5 } }];
      expectError(await update(portfolio, change), 400, 'ChainId');
      expectError(await update(portfolio, change, { ChainId: netChainId }), 400, 'ChainId');
      expectError(await update(portfolio, change, { ChainId: thirdChainId }), 400, 'Invalid LoyaltyMembershipId');
      expect(await readBack(membership!.Id)).toEqual(membership);
      const [changed] = await updated(change, portfolio, { ChainId: grossChainId });
      expect(changed!.Points).toBe(5);

      expectError(await remove(portfolio, [membership!.Id]), 400, 'ChainId');
      expectError(await remove(portfolio, [membership!.Id], { ChainId: netChainId }), 400, 'ChainId');
      expectError(await remove(portfolio, [membership!.Id], { ChainId: thirdChainId }), 400, 'Invalid LoyaltyMembershipIds[0]');
      expect(await listed(gross, { LoyaltyMembershipIds: [membership!.Id] })).toHaveLength(1);
      expectJsonAnswer(await remove(portfolio, [membership!.Id], { ChainId: grossChainId }), 200);
      expect(await listed(gross, { LoyaltyMembershipIds: [membership!.Id] })).toEqual([]);
    });

    it('getAll writes each membership as add answered it, whatever its texts hold', async () => {
      // getAll's page is written as JSON by the database; add's answer by the response schema's
      // serializer. Both must give the same values, the same properties in the same order.
      const programId = await newProgram();
      const [tierId] = await newTiers(programId);
      const texts = [
        'plain', 'quote " and \\ backslash', 'line\nbreak\ttab\r\u0001\u001f\u007f', 'é ü 中文 😀 \u2028\u2029',
        '</script><!--', "apostrophe ' and ''", '{"json":[1,null]}',
      ];
      const accounts: string[] = [];
      for (const _ of texts) accounts.push(await newCustomer());
      const memberships = await added(texts.map((text, i) => ({
        AccountId: accounts[i], LoyaltyProgramId: programId, IsPrimary: i % 2 === 0, State: i % 3 === 0 ? 'Pending' : 'Enrolled',
        MembershipNumber: i === 0 ? null : text, Url: i === 1 ? null : text, Points: i === 2 ? null : (i - 3) * 2147483,
        ExpirationDate: i % 2 === 0 ? '2030-12-31' : null, LoyaltyTierId: i % 2 === 1 ? tierId : null,
      })));
      const answer = await getAll(gross, { LoyaltyProgramIds: [programId], MembershipStates: ['Pending', 'Enrolled'] });
      expectJsonAnswer(answer, 200);
      expect(answer.body.LoyaltyMemberships).toEqual([...memberships].reverse());
      for (const membership of answer.body.LoyaltyMemberships) expect(Object.keys(membership)).toEqual(membershipFields);
      expect(Object.keys(answer.body)).toEqual(['LoyaltyMemberships', 'Cursor']);
      expect(answer.body.Cursor).toBe(memberships[0]!.Id);
      // A page of one, and past the end: the cursor is the last item's, then null.
      const first = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 1 } });
      expect(first.body).toEqual({ LoyaltyMemberships: [memberships.at(-1)], Cursor: memberships.at(-1)!.Id });
      const end = await getAll(gross, { LoyaltyProgramIds: [programId], Limitation: { Count: 10, Cursor: memberships[0]!.Id } });
      expect(end.body).toEqual({ LoyaltyMemberships: [], Cursor: null });
    });

    it('getAll covers every chain in scope; ChainIds narrows it; a ChainId outside the scope is a 400', async () => {
      const grossProgram = await newProgram(portfolio, { ChainId: grossChainId });
      const thirdProgram = await newProgram(portfolio, { ChainId: thirdChainId });
      const grossCustomer = await newCustomer(portfolio, { ChainId: grossChainId });
      const thirdCustomer = await newCustomer(portfolio, { ChainId: thirdChainId });
      const [inGross] = await added([{ AccountId: grossCustomer, LoyaltyProgramId: grossProgram }], portfolio, { ChainId: grossChainId });
      // An account of the gross chain cannot join a program of the third chain.
      expectError(await add(portfolio, [{ AccountId: grossCustomer, LoyaltyProgramId: thirdProgram, IsPrimary: false }], { ChainId: thirdChainId }), 400, 'Invalid AccountId');
      const [inThird] = await added([{ AccountId: thirdCustomer, LoyaltyProgramId: thirdProgram }], portfolio, { ChainId: thirdChainId });
      expect(inThird!.ChainId).toBe(thirdChainId);
      const scope = { LoyaltyProgramIds: [grossProgram, thirdProgram] };
      expect(ids(await listed(portfolio, scope))).toEqual([inThird!.Id, inGross!.Id]);
      expect(ids(await listed(portfolio, { ...scope, ChainIds: [thirdChainId] }))).toEqual([inThird!.Id]);
      expect(ids(await listed(portfolio, { ...scope, ChainIds: [grossChainId] }))).toEqual([inGross!.Id]);
      expect(ids(await listed(portfolio, { ...scope, ChainIds: [grossChainId, thirdChainId] }))).toEqual([inThird!.Id, inGross!.Id]);
      expectError(await getAll(portfolio, { ...scope, ChainIds: [netChainId] }), 400, 'ChainIds[0]');
      // The single-enterprise gross token sees only its chain's membership, whatever ChainIds it sends.
      expect(ids(await listed(gross, { ...scope, ChainIds: [thirdChainId] }))).toEqual([inGross!.Id]);
    });
  });
});
