// References stay inside a chain: a tier's program, and a membership's program and tier, must be of
// the row's own chain. Composite foreign keys (chain_id, id) make the database refuse a crossing
// row, whichever code path writes it (a crafted snapshot once did). The membership's account points
// at a customer or a company, which no foreign key can express: the application checks it.
//
// PostgreSQL adds the constraints in place. SQLite cannot add a constraint to a table, so the two
// child tables are rebuilt from their own definitions (with the keys added), rows, indexes and
// sequence kept, children dropped before their parents so no reference is ever left dangling.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

const references = {
  loyalty_tiers: [
    'constraint loyalty_tiers_program_in_chain foreign key (chain_id, loyalty_program_id) references loyalty_programs (chain_id, id)',
  ],
  loyalty_memberships: [
    'constraint loyalty_memberships_program_in_chain foreign key (chain_id, loyalty_program_id) references loyalty_programs (chain_id, id)',
    'constraint loyalty_memberships_tier_in_chain foreign key (chain_id, loyalty_tier_id) references loyalty_tiers (chain_id, id)',
  ],
};

/** Parents of a composite key need a unique key on the same columns. */
const parentKeys = [
  'create unique index loyalty_programs_chain_id on loyalty_programs (chain_id, id)',
  'create unique index loyalty_tiers_chain_id on loyalty_tiers (chain_id, id)',
];

async function run(db: Kysely<any>, statement: string): Promise<void> {
  await sql.raw(statement).execute(db);
}

async function postgres(db: Kysely<any>): Promise<void> {
  for (const statement of parentKeys) await run(db, statement);
  for (const [table, constraints] of Object.entries(references)) {
    for (const constraint of constraints) await run(db, `alter table ${table} add ${constraint}`);
  }
}

interface Saved {
  readonly table: string;
  readonly definition: string;
  readonly indexes: string[];
  readonly sequence: number | undefined;
}

async function sqlite(db: Kysely<any>): Promise<void> {
  const saved: Saved[] = [];
  // Children first: memberships reference tiers.
  for (const table of ['loyalty_memberships', 'loyalty_tiers'] as const) {
    const { rows: [definition] } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
    const { rows: indexes } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
    const { rows: [sequence] } = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(db);
    saved.push({ table, definition: definition!.sql, indexes: indexes.map((index) => index.sql), sequence: sequence?.seq });
    await run(db, `create table ${table}_rebuild as select * from ${table}`);
    await run(db, `drop table ${table}`);
  }
  await run(db, parentKeys[0]!);
  // Parents first on the way back.
  for (const { table, definition, indexes, sequence } of saved.reverse()) {
    const closing = definition.lastIndexOf(')');
    await run(db, `${definition.slice(0, closing)}, ${references[table as keyof typeof references].join(', ')})`);
    await run(db, `insert into ${table} select * from ${table}_rebuild`);
    await run(db, `drop table ${table}_rebuild`);
    for (const index of indexes) await run(db, index);
    if (table === 'loyalty_tiers') await run(db, parentKeys[1]!);
    // The sequence never goes back, even when the highest rows were deleted.
    if (sequence !== undefined) await sql`update sqlite_sequence set seq = max(seq, ${sequence}) where name = ${table}`.execute(db);
  }
}

export function chainReferencesMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await (capabilities.sequenceColumn === 'postgres' ? postgres(db) : sqlite(db));
    },
  };
}
