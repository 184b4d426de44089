// Loyalty memberships: the rules of docs/behaviour.md over the store. A batch is validated whole
// before anything is written; the request's transaction makes the writes all-or-nothing.
import { newRecordId } from './identifiers.ts';
import { JsonText } from '../contract/json-text.ts';
import type { loyaltyMembershipOperations } from '../contract/loyalty-memberships.ts';
import type { OperationParameters, OperationRequest, OperationResponse } from '../contract/operation.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { activeAccountIds } from '../store/accounts.ts';
import { selectLoyaltyProgramsByIds } from '../store/loyalty-programs.ts';
import * as store from '../store/loyalty-memberships.ts';
import type { LoyaltyMembershipChanges, LoyaltyMembershipRecord } from '../store/loyalty-memberships.ts';
import { listLoyaltyMembershipsJson, type LoyaltyMembershipFilter, type LoyaltyMembershipJsonWriter } from '../store/loyalty-membership-pages.ts';
import { selectLoyaltyTiersByIds } from '../store/loyalty-tiers.ts';
import type { OperationContext } from './context.ts';
import { invalidParameter, ruleViolation } from './errors.ts';
import { cursorOf, cursorPageRequest, unknownCursor } from './pages.ts';
import { chainForWrite, chainsForRead, normalizeIds, activeById, firstMissing } from './scope.ts';
import { parseInstant, toStoredTime, toTimeRange, toWireTime } from './time.ts';

type Ops = typeof loyaltyMembershipOperations;
type LoyaltyMembership = OperationResponse<Ops['loyaltyMemberships/add']>['LoyaltyMemberships'][number];
type MembershipsResult = OperationResponse<Ops['loyaltyMemberships/add']>;

/** Changes made through this API are the integration's (the seed's example). */
const integrationProfile = { Discriminator: 'Integration', EnterpriseProfile: null } as const;

const toLoyaltyMembership = (record: LoyaltyMembershipRecord): LoyaltyMembership => ({
  Id: record.id,
  ChainId: record.chainId,
  AccountId: record.accountId,
  LoyaltyProgramId: record.loyaltyProgramId,
  State: record.state as LoyaltyMembership['State'],
  IsPrimary: record.isPrimary,
  ProviderMembershipId: record.providerMembershipId,
  Code: record.membershipNumber,
  MembershipNumber: record.membershipNumber,
  Points: record.points,
  ExpirationDate: record.expirationDate,
  Url: record.url,
  LoyaltyTierId: record.loyaltyTierId,
  CreatorProfile: integrationProfile,
  UpdaterProfile: integrationProfile,
});

/** A getAll page's memberships, written as toLoyaltyMembership gives them (SQLite writes the same text itself). */
const membershipJson: LoyaltyMembershipJsonWriter = {
  profile: JSON.stringify(integrationProfile),
  ofRecord: (record) => JSON.stringify(toLoyaltyMembership(record)),
};

/** `Code` is the deprecated alias of `MembershipNumber`: either sets both; both must agree. */
function membershipNumberOf(item: string, membershipNumber: string | null | undefined, code: string | null | undefined): string | null | undefined {
  if (membershipNumber !== undefined && code !== undefined && membershipNumber !== code) {
    throw invalidParameter(`${item}.Code`, 'Code is the deprecated alias of MembershipNumber and differs from it.');
  }
  return membershipNumber !== undefined ? membershipNumber : code;
}

/** An ISO 8601 date or UTC date-time, answered as YYYY-MM-DDThh:mm:ssZ. */
function expirationDateOf(parameter: string, text: string): string {
  const instant = parseInstant(text);
  if (!instant) throw invalidParameter(parameter, 'not an ISO 8601 date or date-time.');
  return toWireTime(toStoredTime(instant.ms));
}

/** The checks a membership's program and tier must pass, in add and update alike. */
interface ProgramAndTierRules {
  /** `programId` is an active loyalty program of the chain. */
  program(at: string, programId: string): void;
  /** `tierId` (when not null) is an active tier of `programId`. */
  tier(at: string, tierId: string | null, programId: string): void;
}

/** Loads the active programs and tiers a batch names (one query each) and checks items against them. */
async function programAndTierRules(
  db: Kysely<Database>, chainId: string, programIds: readonly string[], tierIds: readonly string[],
): Promise<ProgramAndTierRules> {
  const programs = activeById(await selectLoyaltyProgramsByIds(db, [chainId], normalizeIds(programIds)));
  const tierPrograms = new Map([...activeById(await selectLoyaltyTiersByIds(db, [chainId], normalizeIds(tierIds))).values()]
    .map((t) => [t.id, t.loyaltyProgramId]));
  return {
    program(at, programId) {
      if (!programs.has(programId)) throw invalidParameter('LoyaltyProgramId', `${at} names ${programId}, which is not an active loyalty program of the chain.`);
    },
    tier(at, tierId, programId) {
      if (tierId !== null && tierPrograms.get(tierId) !== programId) {
        throw invalidParameter('LoyaltyTierId', `${at} names ${tierId}, which is not an active loyalty tier of the membership's loyalty program.`);
      }
    },
  };
}

async function membershipsInOrder(db: Kysely<Database>, chainId: string, ids: readonly string[]): Promise<MembershipsResult> {
  const records = await store.selectLoyaltyMembershipsByIds(db, [chainId], [...new Set(ids)]);
  const byId = new Map(records.map((r) => [r.id, r]));
  const memberships = ids.map((id) => toLoyaltyMembership(byId.get(id)!));
  return { LoyaltyMemberships: memberships, Cursor: cursorOf(memberships) };
}

export async function getAllLoyaltyMemberships(
  { db, principal }: OperationContext, request: OperationParameters<Ops['loyaltyMemberships/getAll']>,
): Promise<JsonText<OperationResponse<Ops['loyaltyMemberships/getAll']>>> {
  const chainIds = chainsForRead(principal, request.ChainIds);
  const numbers = request.MembershipNumbers || request.Codes
    ? [...new Set([...(request.MembershipNumbers ?? []), ...(request.Codes ?? [])])]
    : undefined;
  const filter: LoyaltyMembershipFilter = {
    chainIds,
    activityStates: request.ActivityStates?.length ? request.ActivityStates : ['Active'],
    ids: request.LoyaltyMembershipIds ? normalizeIds(request.LoyaltyMembershipIds) : undefined,
    programIds: request.LoyaltyProgramIds ? normalizeIds(request.LoyaltyProgramIds) : undefined,
    accountIds: request.AccountIds ? normalizeIds(request.AccountIds) : undefined,
    states: request.MembershipStates ?? undefined,
    membershipNumbers: numbers,
    providerMembershipIds: request.ProviderMembershipIds ?? undefined,
    created: request.CreatedUtc ? toTimeRange('CreatedUtc', request.CreatedUtc) : undefined,
    updated: request.UpdatedUtc ? toTimeRange('UpdatedUtc', request.UpdatedUtc) : undefined,
  };
  // The page arrives as JSON text, sent as it is (one pass from rows to the wire).
  const json = await listLoyaltyMembershipsJson(db, filter, cursorPageRequest(request.Limitation), membershipJson);
  if (json === 'unknown cursor') throw unknownCursor();
  return JsonText.of(['{"LoyaltyMemberships":[', json.items, `],"Cursor":${JSON.stringify(json.lastId)}}`], json.count);
}

export async function addLoyaltyMemberships(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyMemberships/add']>,
): Promise<OperationResponse<Ops['loyaltyMemberships/add']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const items = request.LoyaltyMemberships;
  const rules = await programAndTierRules(db, chainId, items.map((i) => i.LoyaltyProgramId), items.flatMap((i) => (i.LoyaltyTierId ? [i.LoyaltyTierId] : [])));
  const accountIds = normalizeIds(items.map((i) => i.AccountId));
  const accounts = await activeAccountIds(db, chainId, accountIds);
  const enrolled = new Set(
    (await store.selectActiveMembershipsOfAccounts(db, accountIds)).map((m) => `${m.accountId}\u0000${m.loyaltyProgramId}`),
  );

  const memberships = items.map((item, index): store.NewLoyaltyMembership => {
    const at = `LoyaltyMemberships[${index}]`;
    const programId = item.LoyaltyProgramId.toLowerCase();
    rules.program(at, programId);
    const tierId = item.LoyaltyTierId ? item.LoyaltyTierId.toLowerCase() : null;
    rules.tier(at, tierId, programId);
    const accountId = item.AccountId.toLowerCase();
    if (!accounts.has(accountId)) throw invalidParameter('AccountId', `${at} names ${accountId}, which is not an active customer or company of the chain.`);
    const key = `${accountId}\u0000${programId}`;
    if (enrolled.has(key)) throw ruleViolation(`${at}: the account already has an active membership in the loyalty program.`);
    enrolled.add(key);
    return {
      id: newRecordId(),
      chainId,
      accountId,
      loyaltyProgramId: programId,
      loyaltyTierId: tierId,
      state: item.State ?? 'Enrolled',
      isPrimary: item.IsPrimary,
      membershipNumber: membershipNumberOf(at, item.MembershipNumber, item.Code) ?? null,
      providerMembershipId: null,
      points: item.Points ?? null,
      expirationDate: item.ExpirationDate != null ? expirationDateOf(`${at}.ExpirationDate`, item.ExpirationDate) : null,
      url: item.Url ?? null,
    };
  });

  // At most one primary per account and chain: the last primary of the batch wins, and it clears
  // the account's existing primary.
  const lastPrimary = new Map<string, string>();
  for (const m of memberships) if (m.isPrimary) lastPrimary.set(m.accountId, m.id);
  const final = memberships.map((m) => (m.isPrimary && lastPrimary.get(m.accountId) !== m.id ? { ...m, isPrimary: false } : m));
  await store.clearPrimaries(db, chainId, [...lastPrimary.keys()], now);
  const result = (await store.insertLoyaltyMemberships(db, final, now)).map(toLoyaltyMembership);
  return { LoyaltyMemberships: result, Cursor: cursorOf(result) };
}

type MembershipUpdate = OperationRequest<Ops['loyaltyMemberships/update']>['LoyaltyMembershipUpdates'][number];

/** The changes of an update to the membership's own fields (program and tier aside, which need the rules). */
function fieldChanges(at: string, update: MembershipUpdate): LoyaltyMembershipChanges {
  const changes: { -readonly [K in keyof LoyaltyMembershipChanges]: LoyaltyMembershipChanges[K] } = {};
  if (update.State) changes.state = update.State.Value;
  if (update.IsPrimary) changes.isPrimary = update.IsPrimary.Value;
  const number = membershipNumberOf(
    at,
    update.MembershipNumber ? (update.MembershipNumber.Value ?? null) : undefined,
    update.Code ? (update.Code.Value ?? null) : undefined,
  );
  if (number !== undefined) changes.membershipNumber = number;
  if (update.ProviderMembershipId) changes.providerMembershipId = update.ProviderMembershipId.Value ?? null;
  if (update.Points) changes.points = update.Points.Value ?? null;
  if (update.ExpirationDate) {
    const value = update.ExpirationDate.Value;
    changes.expirationDate = value == null ? null : expirationDateOf(`${at}.ExpirationDate.Value`, value);
  }
  if (update.Url) changes.url = update.Url.Value ?? null;
  return changes;
}

export async function updateLoyaltyMemberships(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyMemberships/update']>,
): Promise<OperationResponse<Ops['loyaltyMemberships/update']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const updates = request.LoyaltyMembershipUpdates;
  const found = await store.selectLoyaltyMembershipsByIds(db, [chainId], normalizeIds(updates.map((u) => u.LoyaltyMembershipId)));
  const current = activeById(found);
  const rules = await programAndTierRules(db, chainId, updates.flatMap((u) => (u.LoyaltyProgramId ? [u.LoyaltyProgramId.Value] : [])), [
    ...found.flatMap((m) => (m.loyaltyTierId ? [m.loyaltyTierId] : [])),
    ...updates.flatMap((u) => (u.LoyaltyTierId?.Value ? [u.LoyaltyTierId.Value] : [])),
  ]);
  const order: string[] = [];

  // Updates apply in request order, each seeing the ones before it (a membership may be named twice).
  for (const [index, update] of updates.entries()) {
    const at = `LoyaltyMembershipUpdates[${index}]`;
    const id = update.LoyaltyMembershipId.toLowerCase();
    const membership = current.get(id);
    if (!membership) throw invalidParameter('LoyaltyMembershipId', `${at} names ${id}, which is not an active loyalty membership of the chain.`);
    const changes: { -readonly [K in keyof LoyaltyMembershipChanges]: LoyaltyMembershipChanges[K] } = {};

    const programId = update.LoyaltyProgramId ? update.LoyaltyProgramId.Value.toLowerCase() : membership.loyaltyProgramId;
    if (update.LoyaltyProgramId) {
      rules.program(at, programId);
      changes.loyaltyProgramId = programId;
    }
    if (update.LoyaltyTierId) {
      const tierId = update.LoyaltyTierId.Value == null ? null : update.LoyaltyTierId.Value.toLowerCase();
      rules.tier(at, tierId, programId);
      changes.loyaltyTierId = tierId;
    } else if (programId !== membership.loyaltyProgramId && membership.loyaltyTierId !== null) {
      throw invalidParameter('LoyaltyTierId', `${at} moves the membership to another loyalty program but keeps a tier of the old one; change LoyaltyTierId too.`);
    }
    if (programId !== membership.loyaltyProgramId) {
      const others = await store.selectActiveMembershipsOfAccounts(db, [membership.accountId]);
      if (others.some((m) => m.id !== id && m.loyaltyProgramId === programId)) {
        throw ruleViolation(`${at}: the account already has an active membership in the loyalty program.`);
      }
    }
    Object.assign(changes, fieldChanges(at, update));

    if (changes.isPrimary) await store.clearPrimary(db, chainId, membership.accountId, id, now);
    await store.updateLoyaltyMembership(db, id, changes, now);
    current.set(id, { ...membership, ...changes });
    order.push(id);
  }
  // Read back: clearing a primary flag may have changed a membership named earlier in the batch.
  return membershipsInOrder(db, chainId, order);
}

export async function deleteLoyaltyMemberships(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyMemberships/delete']>,
): Promise<OperationResponse<Ops['loyaltyMemberships/delete']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const ids = normalizeIds(request.LoyaltyMembershipIds);
  const found = await store.selectLoyaltyMembershipsByIds(db, [chainId], ids);
  const missing = firstMissing(request.LoyaltyMembershipIds, activeById(found));
  if (missing >= 0) throw invalidParameter(`LoyaltyMembershipIds[${missing}]`, 'not an active loyalty membership of the chain.');
  await store.deleteLoyaltyMemberships(db, ids, now);
  return {};
}
