// Loyalty programs. `seq` gives the newest-to-oldest order of cursor pages; the partial unique
// index makes "one active Code per chain" hold in the database, not only in application code.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { addSequenceColumn } from './sequence.ts';

export function loyaltyProgramsMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await addSequenceColumn(db.schema.createTable('loyalty_programs'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subscription', 'text', (c) => c.notNull())
        .addColumn('activity_state', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('loyalty_programs_active_code')
        .on('loyalty_programs')
        .columns(['chain_id', 'code'])
        .unique()
        .where(sql.ref('activity_state'), '=', 'Active')
        .execute();
      await db.schema
        .createIndex('loyalty_programs_chain_state_seq')
        .on('loyalty_programs')
        .columns(['chain_id', 'activity_state', 'seq'])
        .execute();
    },
  };
}
