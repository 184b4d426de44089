// Hotel staff acting inside one chain through the control plane (browsing, the front desk): the same
// rules as the API's callers, in a chain named by the request rather than by a token.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { existingChainIds } from '../store/tenancy.ts';
import { chainStaff } from '../tenancy/principal.ts';
import type { OperationContext } from './context.ts';
import { invalidParameter } from './errors.ts';

/** The context for staff of `chainId` (any case), or ChainId is not a chain of the tenancy. */
export async function staffOfChain(db: Kysely<Database>, chainId: string, now = new Date()): Promise<OperationContext> {
  const id = chainId.toLowerCase();
  if (!(await existingChainIds(db, [id])).has(id)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
  return { db, principal: chainStaff(id), now };
}
