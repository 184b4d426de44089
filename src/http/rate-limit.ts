// The request limit: N requests per AccessToken in a sliding window (default 200 per 30 s). The
// 201st gets 429 with Retry-After, the seconds until the oldest request in the window leaves it.
import type { FastifyRequest } from 'fastify';
import { tooManyRequests } from '../loyalty/errors.ts';
import type { RateLimitSetting } from '../settings.ts';

export interface RateWindows {
  /** Records a request at `now` unless the window is full; answers the seconds to wait when it is. */
  take(key: string, now: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

/** Windows kept in this process: exact for one instance. */
export function memoryRateWindows(setting: RateLimitSetting): RateWindows {
  const windows = new Map<string, number[]>();
  let lastSweep = 0;
  return {
    async take(key, now) {
      const since = now - setting.windowMs;
      if (now - lastSweep > setting.windowMs) {
        // Forget tokens that went quiet, so the map stays as small as the set of active tokens.
        for (const [k, times] of windows) if ((times.at(-1) ?? 0) <= since) windows.delete(k);
        lastSweep = now;
      }
      let times = windows.get(key);
      if (!times) windows.set(key, (times = []));
      let expired = 0;
      while (expired < times.length && times[expired]! <= since) expired++;
      if (expired > 0) times.splice(0, expired);
      if (times.length >= setting.requests) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + setting.windowMs - now) / 1000)) };
      }
      times.push(now);
      return { allowed: true };
    },
  };
}

export function rateLimitHook(windows: RateWindows) {
  return async function limitRequests(request: FastifyRequest): Promise<void> {
    const result = await windows.take(request.principal!.accessTokenHash, Date.now());
    if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds);
  };
}
