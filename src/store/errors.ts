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
 * Any constraint of the schema refused a write (unique, foreign key, not null, check): a duplicate key,
 * a reference to a record that is not there or, with the composite keys of migration 0010, that
 * belongs to another chain.
 */
export function isConstraintViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) || code === '23505' || code === '23503';
}
