// Loyalty tiers: the rules of docs/behaviour.md over the store.
import { newRecordId } from './identifiers.ts';
import type { loyaltyTierOperations } from '../contract/loyalty-tiers.ts';
import type { OperationParameters, OperationRequest, OperationResponse } from '../contract/operation.ts';
import { selectLoyaltyProgramsByIds } from '../store/loyalty-programs.ts';
import { firstActiveMembershipOf } from '../store/loyalty-memberships.ts';
import * as store from '../store/loyalty-tiers.ts';
import type { LoyaltyTierRecord } from '../store/loyalty-tiers.ts';
import { recordSeq } from '../store/pages.ts';
import type { OperationContext } from './context.ts';
import { invalidParameter, ruleViolation } from './errors.ts';
import { cursorOf, pageRequest } from './pages.ts';
import { chainForWrite, chainsForRead, normalizeIds, activeById, firstMissing } from './scope.ts';
import { toTimeRange } from './time.ts';

type Ops = typeof loyaltyTierOperations;
type LoyaltyTier = OperationResponse<Ops['loyaltyTiers/add']>['LoyaltyTiers'][number];

const toLoyaltyTier = (record: Omit<LoyaltyTierRecord, 'seq' | 'activityState' | 'chainId'>): LoyaltyTier => ({
  Id: record.id,
  LoyaltyProgramId: record.loyaltyProgramId,
  Name: record.name,
  Code: record.code,
  Ordering: record.ordering,
});

const codeTaken = (index: string, code: string) =>
  ruleViolation(`${index}: an active loyalty tier with Code '${code}' already exists in the loyalty program; a tier Code is unique among the active tiers of its program.`);

export async function getAllLoyaltyTiers(
  { db, principal }: OperationContext, request: OperationParameters<Ops['loyaltyTiers/getAll']>,
): Promise<OperationResponse<Ops['loyaltyTiers/getAll']>> {
  const chainIds = chainsForRead(principal, request.ChainIds);
  const filter: store.LoyaltyTierFilter = {
    chainIds,
    programIds: normalizeIds(request.LoyaltyProgramIds),
    activityStates: request.ActivityStates?.length ? request.ActivityStates : ['Active'],
    ids: request.LoyaltyTierIds ? normalizeIds(request.LoyaltyTierIds) : undefined,
    updated: request.UpdatedUtc ? toTimeRange('UpdatedUtc', request.UpdatedUtc) : undefined,
  };
  const page = await pageRequest(request.Limitation, (id) => recordSeq(db, 'loyalty_tiers', chainIds, id));
  const tiers = (await store.listLoyaltyTiers(db, filter, page)).map(toLoyaltyTier);
  return { LoyaltyTiers: tiers, Cursor: cursorOf(tiers) };
}

export async function addLoyaltyTiers(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyTiers/add']>,
): Promise<OperationResponse<Ops['loyaltyTiers/add']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const items = request.LoyaltyTiers;
  const programs = await selectLoyaltyProgramsByIds(db, [chainId], normalizeIds(items.map((i) => i.LoyaltyProgramId)));
  const activePrograms = activeById(programs);
  const seen = new Map<string, number>();
  const tiers: store.NewLoyaltyTier[] = [];
  for (const [index, item] of items.entries()) {
    const programId = item.LoyaltyProgramId.toLowerCase();
    if (!activePrograms.has(programId)) {
      throw invalidParameter('LoyaltyProgramId', `LoyaltyTiers[${index}] names ${programId}, which is not an active loyalty program of the chain.`);
    }
    const key = `${programId}\u0000${item.Code}`;
    if (seen.has(key)) throw codeTaken(`LoyaltyTiers[${index}]`, item.Code);
    seen.set(key, index);
    if ((await store.selectActiveLoyaltyTiersByCodes(db, programId, [item.Code])).length > 0) throw codeTaken(`LoyaltyTiers[${index}]`, item.Code);
    tiers.push({ id: newRecordId(), chainId, loyaltyProgramId: programId, name: item.Name, code: item.Code, ordering: item.Ordering });
  }
  await store.insertLoyaltyTiers(db, tiers, now);
  return { LoyaltyTiers: tiers.map(toLoyaltyTier) };
}

export async function updateLoyaltyTiers(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyTiers/update']>,
): Promise<OperationResponse<Ops['loyaltyTiers/update']>> {
  // The published update takes no ChainId: each tier is updated in its own chain, within the token's scope.
  const updates = request.LoyaltyTierUpdates;
  const found = await store.selectLoyaltyTiersByIds(db, principal.chainIds, normalizeIds(updates.map((u) => u.LoyaltyTierId)));
  const byId = activeById(found);
  const order: string[] = [];
  for (const [index, update] of updates.entries()) {
    const id = update.LoyaltyTierId.toLowerCase();
    const current = byId.get(id);
    if (!current) throw invalidParameter('LoyaltyTierId', `LoyaltyTierUpdates[${index}] names ${id}, which is not an active loyalty tier in scope of the access token.`);
    const changes = {
      ...(update.Name ? { name: update.Name.Value } : {}),
      ...(update.Code ? { code: update.Code.Value } : {}),
      ...(update.Ordering ? { ordering: update.Ordering.Value } : {}),
    };
    if (changes.code !== undefined && changes.code !== current.code) {
      const holders = await store.selectActiveLoyaltyTiersByCodes(db, current.loyaltyProgramId, [changes.code]);
      if (holders.some((t) => t.id !== id)) throw codeTaken(`LoyaltyTierUpdates[${index}]`, changes.code);
    }
    await store.updateLoyaltyTier(db, id, changes, now);
    byId.set(id, { ...current, ...changes });
    order.push(id);
  }
  return { LoyaltyTiers: order.map((id) => toLoyaltyTier(byId.get(id)!)) };
}

export async function deleteLoyaltyTiers(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyTiers/delete']>,
): Promise<OperationResponse<Ops['loyaltyTiers/delete']>> {
  const ids = normalizeIds(request.LoyaltyTierIds);
  const found = await store.selectLoyaltyTiersByIds(db, principal.chainIds, ids);
  const missing = firstMissing(request.LoyaltyTierIds, activeById(found));
  if (missing >= 0) throw invalidParameter(`LoyaltyTierIds[${missing}]`, 'not an active loyalty tier in scope of the access token.');
  const inUse = await firstActiveMembershipOf(db, { tierIds: ids });
  if (inUse) {
    const index = request.LoyaltyTierIds.findIndex((id) => id.toLowerCase() === inUse.loyaltyTierId);
    throw ruleViolation(`LoyaltyTierIds[${index}]: the loyalty tier is used by active memberships and cannot be deleted.`);
  }
  await store.deleteLoyaltyTiers(db, ids, now);
  return {};
}
