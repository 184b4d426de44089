// The (account_id, seq) index of 0005 held every membership, active or not, beside the partial unique
// index (account_id, loyalty_program_id) WHERE activity_state = 'Active', which already holds the
// active ones. Each added membership wrote both, two random places in two big indexes: about 1000 of
// the 2400 pages an add of 1000 memberships writes at a million rows. Now the account index holds only
// the others; an AccountIds filter reads active memberships through the unique index (see
// src/store/loyalty-memberships.ts).
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function inactiveAccountIndexMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('loyalty_memberships_inactive_account_seq').on('loyalty_memberships')
        .columns(['account_id', 'seq']).where(sql.ref('activity_state'), '<>', 'Active').execute();
      await db.schema.dropIndex('loyalty_memberships_account_seq').execute();
    },
  };
}
