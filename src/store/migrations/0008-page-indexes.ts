// Indexes that make every loyalty membership filter of getAll a bounded index scan (see
// src/store/loyalty-memberships.ts and BENCHMARKS.md): each condition of a (program, state) or
// (chain, state) walk is part of its index, so a page never filters rows one by one through a chain.
//   - (loyalty_program_id, activity_state, state, seq) replaces (loyalty_program_id, state, seq): a program
//     filter walks one range per (program, activity state, state), newest first;
//   - (chain_id, activity_state, state, seq): a MembershipStates filter without programs, likewise;
//   - (chain_id, activity_state, updated_utc | created_utc) replace the (chain_id, updated_utc | created_utc)
//     indexes of 0007-membership-time-indexes: the time filters select `seq` from the index alone.
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function pageIndexesMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      const index = (name: string, columns: string[]) => db.schema.createIndex(name).on('loyalty_memberships').columns(columns).execute();
      await index('loyalty_memberships_program_activity_state_seq', ['loyalty_program_id', 'activity_state', 'state', 'seq']);
      await index('loyalty_memberships_chain_activity_state_seq', ['chain_id', 'activity_state', 'state', 'seq']);
      await index('loyalty_memberships_chain_activity_updated', ['chain_id', 'activity_state', 'updated_utc']);
      await index('loyalty_memberships_chain_activity_created', ['chain_id', 'activity_state', 'created_utc']);
      await db.schema.dropIndex('loyalty_memberships_program_state_seq').execute();
      await db.schema.dropIndex('loyalty_memberships_chain_updated').execute();
      await db.schema.dropIndex('loyalty_memberships_chain_created').execute();
    },
  };
}
