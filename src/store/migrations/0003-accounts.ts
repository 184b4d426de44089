// Customers and companies: the accounts loyalty memberships point at.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { addSequenceColumn } from './sequence.ts';

export function accountsMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await addSequenceColumn(db.schema.createTable('customers'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('email_key', 'text')
        .addColumn('phone', 'text')
        .addColumn('loyalty_code', 'text')
        .addColumn('activity_state', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_chain_state_seq').on('customers').columns(['chain_id', 'activity_state', 'seq']).execute();
      await db.schema.createIndex('customers_active_email').on('customers').columns(['chain_id', 'email_key'])
        .unique().where(sql.ref('activity_state'), '=', 'Active').execute();
      await db.schema.createIndex('customers_last_name').on('customers').columns(['last_name']).execute();
      await db.schema.createIndex('customers_loyalty_code').on('customers').columns(['loyalty_code']).execute();

      await addSequenceColumn(db.schema.createTable('companies'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('invoiceable', 'integer', (c) => c.notNull())
        .addColumn('add_fees_to_invoices', 'integer', (c) => c.notNull())
        .addColumn('add_tax_deducted_payment_to_invoices', 'integer', (c) => c.notNull())
        .addColumn('external_identifier', 'text')
        .addColumn('activity_state', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('companies_chain_state_seq').on('companies').columns(['chain_id', 'activity_state', 'seq']).execute();
      await db.schema.createIndex('companies_name').on('companies').columns(['name']).execute();
    },
  };
}
