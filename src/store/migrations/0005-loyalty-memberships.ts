// Loyalty memberships. Two partial unique indexes hold the membership rules in the database:
// one active membership per account and program, one primary active membership per account and chain.
// The other indexes keep each getAll filter a bounded range scan in `seq` order.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { addSequenceColumn } from './sequence.ts';

export function loyaltyMembershipsMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await addSequenceColumn(db.schema.createTable('loyalty_memberships'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('loyalty_program_id', 'text', (c) => c.notNull().references('loyalty_programs.id'))
        .addColumn('loyalty_tier_id', 'text', (c) => c.references('loyalty_tiers.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('is_primary', 'integer', (c) => c.notNull())
        .addColumn('membership_number', 'text')
        .addColumn('provider_membership_id', 'text')
        .addColumn('points', 'integer')
        .addColumn('expiration_date', 'text')
        .addColumn('url', 'text')
        .addColumn('activity_state', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      const index = (name: string, columns: string[]) =>
        db.schema.createIndex(name).on('loyalty_memberships').columns(columns);
      await index('loyalty_memberships_active_account_program', ['account_id', 'loyalty_program_id'])
        .unique().where(sql.ref('activity_state'), '=', 'Active').execute();
      await index('loyalty_memberships_primary_account_chain', ['account_id', 'chain_id'])
        .unique().where(sql<boolean>`activity_state = 'Active' and is_primary = 1`).execute();
      await index('loyalty_memberships_chain_state_seq', ['chain_id', 'activity_state', 'seq']).execute();
      await index('loyalty_memberships_account_seq', ['account_id', 'seq']).execute();
      await index('loyalty_memberships_program_state_seq', ['loyalty_program_id', 'state', 'seq']).execute();
      await index('loyalty_memberships_tier', ['loyalty_tier_id']).execute();
      await index('loyalty_memberships_number', ['membership_number']).execute();
      await index('loyalty_memberships_provider_id', ['provider_membership_id']).execute();
    },
  };
}
