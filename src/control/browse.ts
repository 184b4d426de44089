// Browsing for the console: a chain's loyalty programs, tiers and memberships, read by the loyalty
// rules as hotel staff of that chain, one page at a time.
import { answerValue } from '../contract/json-text.ts';
import { getAllLoyaltyMemberships } from '../loyalty/memberships.ts';
import { getAllLoyaltyPrograms } from '../loyalty/programs.ts';
import { staffOfChain } from '../loyalty/staff.ts';
import { getAllLoyaltyTiers } from '../loyalty/tiers.ts';
import type { Store } from '../store/connect.ts';
import { listChains } from '../store/snapshots.ts';
import { controlEndpoints, type ControlHandlers } from './contract.ts';

/** The console's page size when none is asked for, and the most one page holds. */
export const browsePageSize = { default: 50, max: 1000 } as const;

export const browseEndpoints = {
  chains: controlEndpoints.chains,
  programs: controlEndpoints.programs,
  tiers: controlEndpoints.tiers,
  memberships: controlEndpoints.memberships,
};

const limitation = (query: { Count?: string; Cursor?: string }) => ({
  Count: query.Count ? Math.min(browsePageSize.max, Math.max(1, Number(query.Count))) : browsePageSize.default,
  Cursor: query.Cursor ?? null,
});

export function browseHandlers({ db }: Store): ControlHandlers<typeof browseEndpoints> {
  return {
    chains: async () => ({ Chains: (await listChains(db)).map((c) => ({ Id: c.id, Name: c.name })) }),
    programs: async ({ params, query }) => {
      const page = await getAllLoyaltyPrograms(await staffOfChain(db, params.ChainId), {
        ActivityStates: [query.ActivityState ?? 'Active'], Limitation: limitation(query),
      });
      return { Items: page.LoyaltyPrograms, Cursor: page.Cursor };
    },
    tiers: async ({ params, query }) => {
      const staff = await staffOfChain(db, params.ChainId);
      const programIds = query.LoyaltyProgramId
        ? [query.LoyaltyProgramId]
        : (await getAllLoyaltyPrograms(staff, { ActivityStates: ['Active', 'Deleted'], Limitation: { Count: browsePageSize.max } }))
          .LoyaltyPrograms.map((p) => p.Id);
      const page = await getAllLoyaltyTiers(staff, {
        LoyaltyProgramIds: programIds, ActivityStates: [query.ActivityState ?? 'Active'], Limitation: limitation(query),
      });
      return { Items: page.LoyaltyTiers, Cursor: page.Cursor };
    },
    memberships: async ({ params, query }) => {
      const page = answerValue(await getAllLoyaltyMemberships(await staffOfChain(db, params.ChainId), {
        ...(query.LoyaltyProgramId ? { LoyaltyProgramIds: [query.LoyaltyProgramId] } : {}),
        ...(query.AccountId ? { AccountIds: [query.AccountId] } : {}),
        ...(query.MembershipState ? { MembershipStates: [query.MembershipState] } : {}),
        ...(query.MembershipNumber ? { MembershipNumbers: [query.MembershipNumber] } : {}),
        ActivityStates: [query.ActivityState ?? 'Active'],
        Limitation: limitation(query),
      }));
      return { Items: page.LoyaltyMemberships, Cursor: page.Cursor };
    },
  };
}
