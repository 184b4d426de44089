// What deleting a loyalty program checks and cascades to. Tiers and memberships register here
// (a program with active memberships cannot be deleted; its tiers go with it), so programs.ts
// does not need to know every resource that points at a program.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';

export interface LoyaltyProgramDeleteGuard {
  /** Throws an ApiError to refuse, or writes the cascade, inside the request's transaction. */
  beforeDelete(db: Kysely<Database>, programIds: readonly string[], now: string): Promise<void>;
}

export const loyaltyProgramDeleteGuards: LoyaltyProgramDeleteGuard[] = [];
