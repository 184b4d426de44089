// PostgreSQL: a membership's three single-column foreign keys (its chain, its program, its tier) say
// nothing the composite keys of migration 0010 do not already hold: (chain, program) must be a program
// of that chain, which exists in a chain that exists, and (chain, tier) a tier of that chain. Each is
// checked row by row, so an add of 1000 paid 2,000 lookups more than it needed: 62-74 ms against
// 49-54 ms for the same insert at 1M here. What the database refuses stays the same.
//
// SQLite keeps them: it cannot drop a constraint without rebuilding the table, and checks a key for
// less than PostgreSQL's per-row trigger costs.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

const implied = ['loyalty_memberships_chain_id_fkey', 'loyalty_memberships_loyalty_program_id_fkey', 'loyalty_memberships_loyalty_tier_id_fkey'];

export function membershipReferencesMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      if (capabilities.sequenceColumn !== 'postgres') return;
      await sql.raw(`alter table loyalty_memberships ${implied.map((name) => `drop constraint if exists ${name}`).join(', ')}`).execute(db);
    },
  };
}
