// The request limit: N requests per AccessToken in a sliding window (default 200 per 30 s). The
// 201st gets 429 with Retry-After, the seconds until the oldest request in the window leaves it.
import type { FastifyRequest } from 'fastify';
import { tooManyRequests } from '../loyalty/errors.ts';
import type { RateWindows } from '../store/rate-windows.ts';

export function rateLimitHook(windows: RateWindows) {
  return async function limitRequests(request: FastifyRequest): Promise<void> {
    let decision;
    try {
      decision = await windows.take(request.principal!.accessTokenHash);
    } catch (error) {
      // The shared window store is unreachable: serve rather than take the API down with it.
      request.log.warn({ err: error }, 'request limit skipped: the rate window store did not answer');
      return;
    }
    if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
  };
}
