// PostgreSQL plans with statistics, and statistics come from ANALYZE. Many servers leave that to
// autovacuum, but not all run it (it may be off, or far behind on a busy table): a table grown from
// empty to a million rows through adds would then still be planned as the empty table it was, and a
// lookup by account could walk the whole table. So the server keeps the statistics of its own tables
// current itself: every few seconds it asks which of them have changed by more than a fraction since
// they were last analyzed (autovacuum's own rule) and analyzes those.
import pg from 'pg';

/** Analyze a table once this many rows plus this fraction of its rows have changed since it last was. */
const baseThreshold = 500;
const scaleFactor = 0.1;

export interface StatisticsKeeper {
  stop(): Promise<void>;
}

/**
 * Checks every `everyMs`; one instance at a time (an advisory lock), the others skip their turn. A
 * failed check is retried at the next tick: statistics are an optimisation, never worth an error.
 */
export function keepStatistics(pool: pg.Pool, everyMs: number): StatisticsKeeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const check = async () => {
    const client = await pool.connect();
    try {
      const { rows: [lock] } = await client.query<{ locked: boolean }>(
        `select pg_try_advisory_lock(hashtextextended('loyalty-connector:analyze:' || current_schema(), 0)) as locked`,
      );
      if (!lock?.locked) return;
      try {
        const { rows } = await client.query<{ relname: string }>(
          `select relname from pg_stat_user_tables
            where schemaname = current_schema() and n_mod_since_analyze > $1::float8 + $2::float8 * n_live_tup`,
          [baseThreshold, scaleFactor],
        );
        for (const { relname } of rows) {
          if (stopped) break;
          await client.query(`analyze "${relname.replace(/"/g, '""')}"`);
        }
      } finally {
        await client.query(`select pg_advisory_unlock(hashtextextended('loyalty-connector:analyze:' || current_schema(), 0))`);
      }
    } finally {
      client.release();
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = check().catch(() => {}).finally(() => { running = undefined; });
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
