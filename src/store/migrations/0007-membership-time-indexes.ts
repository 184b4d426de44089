// Indexes for the membership time filters. A getAll with UpdatedUtc or CreatedUtc (and no more selective
// filter) is a range scan of the chain's rows in the interval, which the contract caps at three months,
// instead of a walk over the whole chain. (In SQLite every index entry also carries `seq`, the rowid.)
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function membershipTimeIndexesMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('loyalty_memberships_chain_updated').on('loyalty_memberships').columns(['chain_id', 'updated_utc']).execute();
      await db.schema.createIndex('loyalty_memberships_chain_created').on('loyalty_memberships').columns(['chain_id', 'created_utc']).execute();
    },
  };
}
