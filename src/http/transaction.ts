// The transaction stage: the handler's context. A read runs on the pool (SQLite: its reader threads);
// a write runs in exactly one transaction with the caller's chains locked first, so a batch is all or
// nothing and two writers of a chain take turns. Every query passes the request's deadline (408 past
// it, nothing written).
import type { OperationDeclaration } from '../contract/operation.ts';
import type { OperationContext } from '../loyalty/context.ts';
import type { Store } from '../store/connect.ts';
import type { Principal } from '../tenancy/principal.ts';
import { DeadlinePlugin } from './deadline.ts';

export type TransactionStage = <T>(
  declaration: OperationDeclaration,
  principal: Principal,
  work: (context: OperationContext) => Promise<T>,
) => Promise<T>;

/**
 * @param clock the request's single reading of the time (`now` of every record it touches); the
 *   deadline is always real time, whatever the clock says.
 */
export function transactionStage(store: Store, requestTimeoutMs: number, clock: () => Date): TransactionStage {
  return async (declaration, principal, work) => {
    const now = clock();
    const deadline = new DeadlinePlugin(Date.now() + requestTimeoutMs);
    // A read runs outside any transaction, on SQLite's reader threads where there are some.
    if (!declaration.writes) return work({ db: store.readDb.withPlugin(deadline), principal, now });
    return store.db.transaction().execute(async (trx) => {
      await store.lockChains(trx, principal.chainIds);
      return work({ db: trx.withPlugin(deadline), principal, now });
    });
  };
}
