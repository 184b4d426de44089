// Where the request-limit windows live: in this process (one instance), in PostgreSQL (instances
// sharing the database), or in Redis (REDIS_URL). Each is a sliding window log per access-token hash.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createRequire } from 'node:module';
import type { Redis as RedisClient } from 'ioredis';
import type { Database } from './database.ts';

export interface RateWindowSetting {
  readonly requests: number;
  readonly windowMs: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateWindows {
  /** Records a request now unless the window is full; answers the seconds to wait when it is. */
  take(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

const retryAfter = (oldestMs: number, nowMs: number, windowMs: number) =>
  Math.max(1, Math.ceil((oldestMs + windowMs - nowMs) / 1000));

/** Exact for one instance; forgets quiet tokens so memory follows the set of active tokens. */
export function memoryRateWindows(setting: RateWindowSetting, clock: () => number = Date.now): RateWindows {
  const windows = new Map<string, number[]>();
  let lastSweep = 0;
  return {
    async take(key) {
      const now = clock();
      const since = now - setting.windowMs;
      if (now - lastSweep > setting.windowMs) {
        for (const [k, times] of windows) if ((times.at(-1) ?? 0) <= since) windows.delete(k);
        lastSweep = now;
      }
      let times = windows.get(key);
      if (!times) windows.set(key, (times = []));
      let expired = 0;
      while (expired < times.length && times[expired]! <= since) expired++;
      if (expired > 0) times.splice(0, expired);
      if (times.length >= setting.requests) return { allowed: false, retryAfterSeconds: retryAfter(times[0]!, now, setting.windowMs) };
      times.push(now);
      return { allowed: true };
    },
    async close() {},
  };
}

/** Shared by every instance on the database: one transaction per request, serialized per token by an advisory lock, on the database's clock. */
export function postgresRateWindows(db: Kysely<Database>, setting: RateWindowSetting): RateWindows {
  return {
    async take(key) {
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`rate:${key}`}, 0))`.execute(trx);
        const { rows: [clock] } = await sql<{ now: number }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as now`.execute(trx);
        const now = Math.floor(clock!.now);
        await sql`delete from rate_window_hits where key = ${key} and at_ms <= ${now - setting.windowMs}`.execute(trx);
        const { rows: [window] } = await sql<{ hits: number; oldest: number | null }>`
          select count(*)::int as hits, min(at_ms)::float8 as oldest from rate_window_hits where key = ${key}`.execute(trx);
        if (window!.hits >= setting.requests) return { allowed: false, retryAfterSeconds: retryAfter(window!.oldest!, now, setting.windowMs) } as const;
        await sql`insert into rate_window_hits (key, at_ms) values (${key}, ${now})`.execute(trx);
        return { allowed: true } as const;
      });
    },
    async close() {},
  };
}

// Runs atomically in Redis, on Redis's clock: prune, count, then admit or report the oldest hit.
const takeScript = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]), now}
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0, now}
`;

export function redisRateWindows(url: string, setting: RateWindowSetting): RateWindows {
  // Required only when REDIS_URL is set: the client costs every other server some 15 MB of memory.
  const { Redis } = createRequire(import.meta.url)('ioredis') as { Redis: typeof RedisClient };
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', () => {});
  let counter = 0;
  return {
    async take(key) {
      const member = `${process.pid}:${++counter}:${Math.random().toString(36).slice(2)}`;
      const [allowed, oldest, now] = (await redis.eval(takeScript, 1, `loyalty-connector:rate:${key}`, setting.windowMs, setting.requests, member)) as number[];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: retryAfter(oldest!, now!, setting.windowMs) };
    },
    async close() {
      redis.disconnect();
    },
  };
}
