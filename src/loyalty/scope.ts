// The tenancy rules of the contract: which chain a write goes to, which chains a read covers.
// A single-enterprise token ignores ChainId(s); a portfolio token must name chains inside its scope.
import type { Principal } from '../tenancy/principal.ts';
import { invalidParameter } from './errors.ts';

/** The chain a write goes to. For portfolio tokens `ChainId` is required and must be in scope. */
export function chainForWrite(principal: Principal, chainId: string | null | undefined): string {
  if (!principal.isPortfolio) return principal.chainIds[0]!;
  if (chainId == null) throw invalidParameter('ChainId', 'required with a portfolio access token.');
  const normalized = chainId.toLowerCase();
  if (!principal.chainIds.includes(normalized)) throw invalidParameter('ChainId', 'not a chain in scope of the access token.');
  return normalized;
}

/** The chains a read covers: every chain in scope unless a portfolio token narrows it with ChainIds. */
export function chainsForRead(principal: Principal, chainIds: readonly string[] | null | undefined): readonly string[] {
  if (!principal.isPortfolio || chainIds == null) return principal.chainIds;
  const requested = [...new Set(chainIds.map((id) => id.toLowerCase()))];
  const outside = requested.findIndex((id) => !principal.chainIds.includes(id));
  if (outside >= 0) throw invalidParameter(`ChainIds[${chainIds.findIndex((id) => id.toLowerCase() === requested[outside])}]`, 'not a chain in scope of the access token.');
  return requested;
}

/** Lowercases and de-duplicates identifiers, keeping request order. */
export const normalizeIds = (ids: readonly string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

/** The active records of a select by id, by id: a deleted record answers as one that does not exist. */
export function activeById<R extends { readonly id: string; readonly activityState: string }>(records: readonly R[]): Map<string, R> {
  return new Map(records.filter((record) => record.activityState === 'Active').map((record) => [record.id, record]));
}

/** The position of the first requested id (any case) that is not among `found`, or -1. */
export function firstMissing(requested: readonly string[], found: { has(id: string): boolean }): number {
  return requested.findIndex((id) => !found.has(id.toLowerCase()));
}
