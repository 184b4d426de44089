// The outbox of the hotel's events (General and Integration Webhooks): webhook endpoints per client,
// an IntegrationId per access token, events written in the transaction of the change that causes them,
// and the messages the deliverer sends. Times are ISO 8601 text, as everywhere, so they compare as text.
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { addSequenceColumn } from './sequence.ts';

export function outboxMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('clients').addColumn('general_webhook_url', 'text').execute();
      await db.schema.alterTable('clients').addColumn('integration_webhook_url', 'text').execute();
      await db.schema.alterTable('access_tokens').addColumn('integration_id', 'text').execute();

      // One row per entity changed per integration, not yet gathered into a message. A new customer's
      // two events share a row, so no batch boundary can split them.
      await addSequenceColumn(db.schema.createTable('outbox_events'), capabilities)
        .addColumn('client_token_hash', 'text', (c) => c.notNull())
        .addColumn('integration_id', 'text', (c) => c.notNull())
        .addColumn('enterprise_id', 'text', (c) => c.notNull())
        .addColumn('discriminators', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .execute();

      await addSequenceColumn(db.schema.createTable('webhook_messages'), capabilities)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('client_token_hash', 'text', (c) => c.notNull())
        .addColumn('integration_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_utc', 'text', (c) => c.notNull())
        // A lease: the instance sending the message holds it until then; a crash lets it lapse.
        .addColumn('claimed_until_utc', 'text', (c) => c.notNull())
        .addColumn('claim_id', 'text')
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_messages_due').on('webhook_messages').columns(['state', 'next_attempt_utc']).execute();
    },
  };
}
