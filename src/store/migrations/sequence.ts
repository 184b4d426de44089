// The `seq` primary key, declared the way each dialect auto-increments.
import type { CreateTableBuilder } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function addSequenceColumn<T extends string>(table: CreateTableBuilder<T, never>, capabilities: Capabilities) {
  return capabilities.sequenceColumn === 'postgres'
    ? table.addColumn('seq', 'serial', (c) => c.primaryKey())
    : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
}
