// Loyalty programs: the rules of docs/behaviour.md over the store.
import { newRecordId } from './identifiers.ts';
import type { loyaltyProgramOperations } from '../contract/loyalty-programs.ts';
import type { OperationParameters, OperationRequest, OperationResponse } from '../contract/operation.ts';
import * as store from '../store/loyalty-programs.ts';
import type { LoyaltyProgramRecord } from '../store/loyalty-programs.ts';
import { firstActiveMembershipOf } from '../store/loyalty-memberships.ts';
import { deleteLoyaltyTiersOfPrograms } from '../store/loyalty-tiers.ts';
import { recordSeq } from '../store/pages.ts';
import type { OperationContext } from './context.ts';
import { invalidParameter, ruleViolation } from './errors.ts';
import { cursorOf, pageRequest } from './pages.ts';
import { chainForWrite, chainsForRead, normalizeIds, activeById, firstMissing } from './scope.ts';
import { toTimeRange } from './time.ts';

type Ops = typeof loyaltyProgramOperations;
type LoyaltyProgram = OperationResponse<Ops['loyaltyPrograms/add']>['LoyaltyPrograms'][number];

const toLoyaltyProgram = (record: LoyaltyProgramRecord): LoyaltyProgram => ({
  Id: record.id,
  ChainId: record.chainId,
  Name: record.name,
  Code: record.code,
  Type: record.type as LoyaltyProgram['Type'],
  Subscription: record.subscription as LoyaltyProgram['Subscription'],
});

export async function getAllLoyaltyPrograms(
  { db, principal }: OperationContext, request: OperationParameters<Ops['loyaltyPrograms/getAll']>,
): Promise<OperationResponse<Ops['loyaltyPrograms/getAll']>> {
  const chainIds = chainsForRead(principal, request.ChainIds);
  const filter: store.LoyaltyProgramFilter = {
    chainIds,
    activityStates: request.ActivityStates?.length ? request.ActivityStates : ['Active'],
    ids: request.LoyaltyProgramIds ? normalizeIds(request.LoyaltyProgramIds) : undefined,
    codes: request.Codes ?? undefined,
    created: request.CreatedUtc ? toTimeRange('CreatedUtc', request.CreatedUtc) : undefined,
    updated: request.UpdatedUtc ? toTimeRange('UpdatedUtc', request.UpdatedUtc) : undefined,
  };
  const page = await pageRequest(request.Limitation, (id) => recordSeq(db, 'loyalty_programs', chainIds, id));
  const programs = (await store.listLoyaltyPrograms(db, filter, page)).map(toLoyaltyProgram);
  return { LoyaltyPrograms: programs, Cursor: cursorOf(programs) };
}

export async function addLoyaltyPrograms(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyPrograms/add']>,
): Promise<OperationResponse<Ops['loyaltyPrograms/add']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const items = request.LoyaltyPrograms;
  const firstIndexOfCode = new Map<string, number>();
  items.forEach((item, index) => {
    const earlier = firstIndexOfCode.get(item.Code);
    if (earlier !== undefined) {
      throw ruleViolation(`LoyaltyPrograms[${index}]: Code '${item.Code}' is already used by LoyaltyPrograms[${earlier}]; a Code is unique among the active loyalty programs of a chain.`);
    }
    firstIndexOfCode.set(item.Code, index);
  });
  const taken = await store.selectActiveLoyaltyProgramsByCodes(db, chainId, [...firstIndexOfCode.keys()]);
  if (taken.length > 0) {
    const index = Math.max(0, items.findIndex((item) => taken.some((program) => program.code === item.Code)));
    throw ruleViolation(`LoyaltyPrograms[${index}]: an active loyalty program with Code '${items[index]!.Code}' already exists in the chain.`);
  }
  const programs = items.map((item) => ({
    id: newRecordId(),
    chainId,
    name: item.Name,
    code: item.Code,
    type: item.Type ?? 'Unknown',
    subscription: item.Subscription ?? 'Free',
  }));
  return { LoyaltyPrograms: (await store.insertLoyaltyPrograms(db, programs, now)).map(toLoyaltyProgram) };
}

export async function updateLoyaltyPrograms(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyPrograms/update']>,
): Promise<OperationResponse<Ops['loyaltyPrograms/update']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const updates = request.LoyaltyProgramUpdates;
  const found = await store.selectLoyaltyProgramsByIds(db, [chainId], normalizeIds(updates.map((u) => u.LoyaltyProgramId)));
  const byId = activeById(found);
  const results: LoyaltyProgram[] = [];
  for (const [index, update] of updates.entries()) {
    const id = update.LoyaltyProgramId.toLowerCase();
    const current = byId.get(id);
    if (!current) throw invalidParameter('LoyaltyProgramId', `LoyaltyProgramUpdates[${index}] names ${id}, which is not an active loyalty program of the chain.`);
    const changes = {
      ...(update.Name ? { name: update.Name.Value } : {}),
      ...(update.Type ? { type: update.Type.Value } : {}),
      ...(update.Subscription ? { subscription: update.Subscription.Value } : {}),
    };
    await store.updateLoyaltyProgram(db, id, changes, now);
    const next = { ...current, ...changes };
    byId.set(id, next);
    results.push(toLoyaltyProgram(next));
  }
  // A program named twice is answered with its final state both times.
  return { LoyaltyPrograms: results.map((program) => toLoyaltyProgram(byId.get(program.Id)!)) };
}

export async function deleteLoyaltyPrograms(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['loyaltyPrograms/delete']>,
): Promise<OperationResponse<Ops['loyaltyPrograms/delete']>> {
  const ids = normalizeIds(request.LoyaltyProgramIds);
  const found = await store.selectLoyaltyProgramsByIds(db, principal.chainIds, ids);
  const missing = firstMissing(request.LoyaltyProgramIds, activeById(found));
  if (missing >= 0) throw invalidParameter(`LoyaltyProgramIds[${missing}]`, 'not an active loyalty program in scope of the access token.');
  const inUse = await firstActiveMembershipOf(db, { programIds: ids });
  if (inUse) {
    const index = request.LoyaltyProgramIds.findIndex((id) => id.toLowerCase() === inUse.loyaltyProgramId);
    throw ruleViolation(`LoyaltyProgramIds[${index}]: the loyalty program has active memberships and cannot be deleted.`);
  }
  // A deleted program takes its tiers with it.
  await deleteLoyaltyTiersOfPrograms(db, ids, now);
  await store.deleteLoyaltyPrograms(db, ids, now);
  return {};
}
