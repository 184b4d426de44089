// Brings the schema up to date; run on every start.
import { Migrator, sql } from 'kysely';
import { migrationProvider } from './migrations/index.ts';
import { StoreError, type Store } from './store.ts';

/**
 * On PostgreSQL Kysely's migrator holds an advisory lock, so instances starting together migrate once.
 * On SQLite, whose Kysely adapter takes no lock, the whole run is one BEGIN IMMEDIATE transaction: a
 * second process waits for the first.
 */
export async function migrate(store: Store): Promise<void> {
  const sqlite = store.capabilities.sequenceColumn === 'sqlite';
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.capabilities),
    // Kysely looks its bookkeeping tables up by schema; without this it would look in `public`.
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
    ...(sqlite ? { disableTransactions: true } : {}),
  });
  if (sqlite) await sql`begin immediate`.execute(store.db);
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    if (sqlite) await sql`rollback`.execute(store.db);
    throw error;
  }
  if (sqlite) await sql.raw(outcome.error ? 'rollback' : 'commit').execute(store.db);
  const { error, results } = outcome;
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new StoreError(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
