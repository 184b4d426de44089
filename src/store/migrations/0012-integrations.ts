// Integrations as records: every access token is an integration with a state the control plane
// changes (Enabled, Disabled, Canceled, Deleted), when it was created and deleted, and a hint of its
// token (first and last four characters) to tell tokens apart without keeping them.
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function integrationsMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('access_tokens').addColumn('integration_state', 'text', (c) => c.notNull().defaultTo('Enabled')).execute();
      await db.schema.alterTable('access_tokens').addColumn('created_utc', 'text').execute();
      await db.schema.alterTable('access_tokens').addColumn('deleted_utc', 'text').execute();
      await db.schema.alterTable('access_tokens').addColumn('token_hint', 'text').execute();
      await db.schema.createIndex('access_tokens_integration').on('access_tokens').column('integration_id').execute();
    },
  };
}
