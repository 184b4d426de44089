// Recognising database failures by the driver's error code (never by message text).

/**
 * A lost race: a unique index refused a write that the application's own check let through because
 * another request committed first, or PostgreSQL aborted a transaction to break a deadlock.
 */
export function isLostRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_BUSY'
    || code === '23505' || code === '40001' || code === '40P01';
}

/** PostgreSQL cancelled a statement that ran past statement_timeout. */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '57014';
}

/**
 * A write the schema refused: a duplicate key, a unique rule, or a reference to a record that is not
 * there (or, with the composite keys of migration 0010, that belongs to another chain).
 */
export function isRefusedByConstraint(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isLostRace(error) || code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === 'SQLITE_CONSTRAINT_TRIGGER' || code === '23503';
}
