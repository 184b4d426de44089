// Loyalty tiers, with "one active Code per program" held by a partial unique index.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { addSequenceColumn } from './sequence.ts';

export function loyaltyTiersMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await addSequenceColumn(db.schema.createTable('loyalty_tiers'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('loyalty_program_id', 'text', (c) => c.notNull().references('loyalty_programs.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('ordering', 'integer', (c) => c.notNull())
        .addColumn('activity_state', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('loyalty_tiers_active_code').on('loyalty_tiers').columns(['loyalty_program_id', 'code'])
        .unique().where(sql.ref('activity_state'), '=', 'Active').execute();
      await db.schema.createIndex('loyalty_tiers_program_state_seq').on('loyalty_tiers')
        .columns(['loyalty_program_id', 'activity_state', 'seq']).execute();
    },
  };
}
