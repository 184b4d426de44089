// src/tenancy: who calls (tokens, principals, integrations) and the tenancy seed files that set it up.
//
// The demo loyalty records (programs, tiers, a membership) that come with the built-in demo tenancy,
// so that every example of the API reference has a record to act on. They are written into a chain
// only while it has no loyalty program at all (a fresh database, or after a reset): data someone
// made, or deleted, is never touched.
import type { Kysely } from 'kysely';
import { demoLoyaltyRecords } from '../contract/examples.ts';
import type { Database } from '../store/database.ts';
import { insertChainData } from '../store/snapshots.ts';

/** Writes the demo records into the chains (of those given) that have no loyalty program yet. */
export async function applyDemoLoyaltyRecords(db: Kysely<Database>, now: Date, chainIds?: readonly string[]): Promise<string[]> {
  const candidates = [...new Set(demoLoyaltyRecords.LoyaltyPrograms.map((p) => p.ChainId))]
    .filter((chainId) => !chainIds || chainIds.includes(chainId));
  if (candidates.length === 0) return [];
  const used = new Set((await db.selectFrom('loyalty_programs').select('chain_id').where('chain_id', 'in', candidates).execute()).map((r) => r.chain_id));
  const chains = new Set(candidates.filter((chainId) => !used.has(chainId)));
  if (chains.size === 0) return [];
  const accountIds = demoLoyaltyRecords.LoyaltyMemberships.map((m) => m.AccountId);
  const activeAccounts = new Set((await db.selectFrom('customers').select('id')
    .where('id', 'in', accountIds).where('activity_state', '=', 'Active').execute()).map((r) => r.id));
  const stamps = { ActivityState: 'Active' as const, CreatedUtc: now.toISOString(), UpdatedUtc: now.toISOString() };
  await insertChainData(db, {
    Customers: [],
    Companies: [],
    LoyaltyPrograms: demoLoyaltyRecords.LoyaltyPrograms.filter((p) => chains.has(p.ChainId)).map((p) => ({
      Id: p.Id, ChainId: p.ChainId, Name: p.Name, Code: p.Code, Type: p.Type, Subscription: p.Subscription, ...stamps,
    })),
    LoyaltyTiers: demoLoyaltyRecords.LoyaltyTiers.filter((t) => chains.has(t.ChainId)).map((t) => ({
      Id: t.Id, ChainId: t.ChainId, LoyaltyProgramId: t.LoyaltyProgramId, Name: t.Name, Code: t.Code, Ordering: t.Ordering, ...stamps,
    })),
    // A membership needs its account: a demo customer someone deleted keeps it out.
    LoyaltyMemberships: demoLoyaltyRecords.LoyaltyMemberships.filter((m) => chains.has(m.ChainId) && activeAccounts.has(m.AccountId)).map((m) => ({
      Id: m.Id, ChainId: m.ChainId, AccountId: m.AccountId, LoyaltyProgramId: m.LoyaltyProgramId, LoyaltyTierId: m.LoyaltyTierId,
      State: m.State, IsPrimary: m.IsPrimary, MembershipNumber: m.MembershipNumber, ProviderMembershipId: m.ProviderMembershipId,
      Points: m.Points, ExpirationDate: m.ExpirationDate, Url: m.Url, ...stamps,
    })),
  });
  return [...chains];
}
