// The demo loyalty records (programs, tiers, a membership) that come with the built-in demo tenancy,
// so that every example of the API reference has a record to act on. They are written into a chain
// only while it has no loyalty program at all (a fresh database, or after a reset): data someone
// made, or deleted, is never touched.
import type { Kysely } from 'kysely';
import { demoLoyaltyRecords } from '../contract/examples.ts';
import type { Database } from '../store/database.ts';
import { insertChainRows } from '../store/snapshots.ts';

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
  const stamps = { activity_state: 'Active', created_utc: now.toISOString(), updated_utc: now.toISOString() };
  await insertChainRows(db, {
    customers: [],
    companies: [],
    loyalty_programs: demoLoyaltyRecords.LoyaltyPrograms.filter((p) => chains.has(p.ChainId)).map((p) => ({
      id: p.Id, chain_id: p.ChainId, name: p.Name, code: p.Code, type: p.Type, subscription: p.Subscription, ...stamps,
    })),
    loyalty_tiers: demoLoyaltyRecords.LoyaltyTiers.filter((t) => chains.has(t.ChainId)).map((t) => ({
      id: t.Id, chain_id: t.ChainId, loyalty_program_id: t.LoyaltyProgramId, name: t.Name, code: t.Code, ordering: t.Ordering, ...stamps,
    })),
    // A membership needs its account: a demo customer someone deleted keeps it out.
    loyalty_memberships: demoLoyaltyRecords.LoyaltyMemberships.filter((m) => chains.has(m.ChainId) && activeAccounts.has(m.AccountId)).map((m) => ({
      id: m.Id, chain_id: m.ChainId, account_id: m.AccountId, loyalty_program_id: m.LoyaltyProgramId, loyalty_tier_id: m.LoyaltyTierId,
      state: m.State, is_primary: m.IsPrimary ? 1 : 0, membership_number: m.MembershipNumber, provider_membership_id: m.ProviderMembershipId,
      points: m.Points, expiration_date: m.ExpirationDate, url: m.Url, ...stamps,
    })),
  });
  return [...chains];
}
