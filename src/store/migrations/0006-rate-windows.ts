// The request-limit windows shared by instances on PostgreSQL: one row per admitted request,
// pruned as the window slides. (Unused on SQLite, where the window lives in the process.)
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function rateWindowsMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('rate_window_hits')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_window_hits_key_at').on('rate_window_hits').columns(['key', 'at_ms']).execute();
    },
  };
}
