// src/events: the hotel's events, recorded in the transaction of the change that makes them (the
// outbox), gathered into webhook messages and delivered off the request path.
//
// The deliverer: a small loop off the request path. Every WEBHOOK_BATCH_MS it gathers the outbox's
// events into General Webhook messages (in one transaction: events out, messages in), then claims due
// messages up to its free slots (bounded concurrency) and POSTs each. A 2xx delivers; 307/308 are
// followed (3 hops); anything else, a connection error or no answer within WEBHOOK_TIMEOUT_MS fails the
// attempt, which is retried after WEBHOOK_RETRY_DELAY_MS, doubling, until WEBHOOK_ATTEMPTS, and then
// the message is kept as Discarded. A claim is a lease in the database: a crash lets it lapse and the
// message goes out again (at least once); no other instance sends it while the lease holds.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { maskWebhookUrl } from '../contract/webhooks.ts';
import type { Database } from '../store/database.ts';
import * as outbox from '../store/outbox.ts';
import { gatherGeneralMessages } from './messages.ts';

export interface DeliverySettings {
  readonly batchMs: number;
  readonly retryDelayMs: number;
  readonly attempts: number;
  readonly timeoutMs: number;
  /** Attempts in flight at once, per instance. */
  readonly concurrency: number;
}

export interface DeliveryLog {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

/** Events gathered per transaction; the rest waits for the next tick. */
const gatherLimit = 5000;
const maxRedirects = 3;
/** A lease outlives its attempt (the timeout) with room for a slow write of the outcome. */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs + 5_000;

export interface AttemptResult {
  readonly delivered: boolean;
  readonly status: number | null;
  readonly error: string | null;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = failure.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed (${code})`;
  if (code) return `connection failed (${code})`;
  // An error text may quote the URL (with its secret): only a masked form of any URL in it is kept.
  const text = (failure.cause?.message ?? failure.message ?? 'unknown').replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => maskWebhookUrl(url) ?? '');
  return `request failed (${text.slice(0, 120)})`;
}

/** One attempt: POST the body, following 307/308 with the same method and body, all within the timeout. */
export async function attemptDelivery(url: string, body: string, timeoutMs: number): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  let target = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST', body, signal, redirect: 'manual',
        headers: { 'content-type': 'application/json', 'user-agent': 'loyalty-connector-webhooks' },
      });
    } catch (error) {
      return { delivered: false, status: null, error: describeFailure(error, timeoutMs) };
    }
    // The answer's body is never read: a receiver answering 10 MB costs nothing but the cancel.
    await response.body?.cancel().catch(() => {});
    const status = response.status;
    if (status >= 200 && status < 300) return { delivered: true, status, error: null };
    if (status === 307 || status === 308) {
      const location = response.headers.get('location');
      if (!location) return { delivered: false, status, error: `answered ${status} without a Location` };
      if (hop >= maxRedirects) return { delivered: false, status, error: `redirected more than ${maxRedirects} times` };
      try {
        target = new URL(location, target).toString();
      } catch {
        return { delivered: false, status, error: `answered ${status} with an invalid Location` };
      }
      if (!/^https?:$/.test(new URL(target).protocol)) return { delivered: false, status, error: 'redirected to a URL that is not http(s)' };
      continue;
    }
    return { delivered: false, status, error: `answered ${status}` };
  }
}

export class Deliverer {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  /** When this instance first saw events waiting to be gathered (see gather). */
  private waitingSince: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: DeliverySettings,
    private readonly log: DeliveryLog,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.settings.batchMs);
  }

  /** Looks for due messages now (after a redelivery), rather than at the next tick. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops claiming; attempts in flight finish (each within its timeout) and record their outcome. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : this.settings.batchMs);
      });
    }, ms);
    // The loop never keeps a process alive by itself.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.gather();
      await this.claimAndSend();
    } catch (error) {
      // The database went away or is busy: the next tick tries again; nothing was half-recorded.
      if (!this.stopped) this.log.warn({ err: (error as Error).message }, 'webhook deliverer: tick failed');
    }
  }

  /**
   * Events wait for WEBHOOK_BATCH_MS from the moment this instance first saw them waiting, so the
   * events of a burst share a message; a tick woken by a finished attempt or a redelivery gathers
   * nothing early. (This instance's clock: the events' own times are the requests' clocks.)
   */
  private async gather(): Promise<void> {
    if (!(await outbox.hasOutboxEvents(this.db))) {
      this.waitingSince = undefined;
      return;
    }
    const seen = Date.now();
    this.waitingSince ??= seen;
    if (seen - this.waitingSince < this.settings.batchMs) return;
    this.waitingSince = undefined;
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      const events = await outbox.takeOutboxEvents(trx, gatherLimit);
      if (events.length === 0) return;
      await outbox.insertWebhookMessages(trx, gatherGeneralMessages(events), now);
      await outbox.deleteOutboxEvents(trx, events.map((event) => event.seq));
    });
  }

  private async claimAndSend(): Promise<void> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopped) return;
    const now = Date.now();
    const claimId = randomUUID();
    const lease = new Date(now + leaseMs(this.settings.timeoutMs));
    const claimed = await outbox.claimDueMessages(this.db, new Date(now), lease, claimId, free);
    for (const message of claimed) {
      const attempt = this.send(message, claimId).finally(() => {
        this.inFlight.delete(attempt);
        // A slot came free: more may be due at once (a backlog after a restart).
        this.wake();
      });
      this.inFlight.add(attempt);
    }
  }

  private async send(message: outbox.WebhookMessageRecord, claimId: string): Promise<void> {
    const result: AttemptResult = message.url
      ? await attemptDelivery(message.url, message.payload, this.settings.timeoutMs)
      : { delivered: false, status: null, error: `the client has no ${message.kind}WebhookUrl` };
    const attempts = message.attempts + 1;
    const finishedAt = Date.now();
    const state: outbox.MessageState = result.delivered ? 'Delivered' : attempts >= this.settings.attempts ? 'Discarded' : 'Pending';
    const delay = this.settings.retryDelayMs * 2 ** Math.min(attempts - 1, 20);
    const outcome: outbox.AttemptOutcome = {
      state, attempts, lastStatus: result.status, lastError: result.error,
      nextAttemptUtc: new Date(state === 'Pending' ? finishedAt + delay : finishedAt).toISOString(),
    };
    const url = maskWebhookUrl(message.url);
    try {
      const recorded = await outbox.recordAttempt(this.db, message.id, claimId, outcome, new Date(finishedAt));
      if (!recorded) this.log.warn({ messageId: message.id, url }, 'webhook deliverer: the claim lapsed before the outcome was recorded');
      else if (result.delivered) this.log.info({ messageId: message.id, kind: message.kind, url, status: result.status, attempts }, 'webhook delivered');
      else this.log.warn({ messageId: message.id, kind: message.kind, url, status: result.status, error: result.error, attempts, state }, 'webhook attempt failed');
    } catch (error) {
      // Not recorded: the lease lapses and the message is sent again (at least once).
      this.log.warn({ messageId: message.id, url, err: (error as Error).message }, 'webhook deliverer: could not record an attempt');
    }
  }
}
