// The request journal: the last API calls in a ring buffer bounded by a count (JOURNAL_SIZE) and by
// bytes (JOURNAL_BYTES). Bodies and answers are kept as bytes, redacted when recorded: no token, known
// to the server or merely shaped like one, is ever held here, so none can be shown.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { allTokenHashes } from '../store/tenancy.ts';

export interface JournalEntry {
  readonly Id: string;
  readonly TimeUtc: string;
  readonly Method: string;
  readonly Path: string;
  readonly Operation: string | null;
  readonly Token: string | null;
  readonly Status: number;
  readonly DurationMs: number;
  readonly RequestBody: unknown;
  readonly ResponseBody: unknown;
  readonly Fault: string | null;
  /** The chains in the caller's scope (none when the call was refused before it was known). */
  readonly ChainIds: readonly string[];
}

interface Recorded {
  readonly id: string;
  readonly time: number;
  readonly method: string;
  readonly path: string;
  /** The redacted body as JSON bytes, or a note of its size when it was too big to keep. */
  readonly body: Buffer | Note;
  readonly token: string | null;
  readonly payload: Buffer | Note | null;
  readonly status: number;
  readonly durationMs: number;
  readonly fault: string | null;
  readonly chainIds: readonly string[];
  /** What this entry counts against the byte budget. */
  readonly bytes: number;
}

interface Note {
  readonly Truncated: true;
  readonly Bytes: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by fault injection: the rule (or `prefer`) that answered for the server. */
    injectedFault?: string;
    journalPayload?: unknown;
    journalStart?: number;
  }
}

/** Bodies above this are kept as a note of their size. */
const maxKeptBytes = 64 * 1024;
/** What an entry costs besides its bodies (ids, path, numbers, the object itself). */
const entryOverheadBytes = 256;
const apiPrefix = '/api/connector/v1/';

/** `C66E…453D`: enough to tell tokens apart, never the token. */
export const maskToken = (token: unknown) =>
  typeof token === 'string' && token.length > 0 ? (token.length > 12 ? `${token.slice(0, 4)}…${token.slice(-4)}` : '…') : null;

/** Keys whose values are secrets whatever their spelling (`ClientToken`, `clientToken`, `access_token`, `password`). */
const secretKey = /token|secret|password|passwd|authorization|api[-_]?key/i;
/**
 * Text shaped like a token (the published ones are `32 hex - 31 hex`): any run of 32 or more letters,
 * digits, `-` and `_` mixing letters and digits. UUIDs, the ids of the API, are kept.
 */
const tokenShaped = /[A-Za-z0-9_-]{32,}/g;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Words worth hashing to compare with the tokens the server knows. */
const words = /[^\s"'`,;:(){}[\]<>|&?=]{6,}/g;

/** Tells whether a text holds a token: the request's own, one the server knows (by hash), or one shaped like a token. */
export class TokenFilter {
  private knownHashes = new Set<string>();

  /** The SHA-256 (hex) of every client and access token of the tenancy. */
  setKnownHashes(hashes: Iterable<string>): void {
    this.knownHashes = new Set(hashes);
  }

  /** The text with every token in it replaced by `[redacted]`. */
  scrub(text: string, own: readonly string[], known = true): string {
    let result = text;
    // Values under secret keys are blanked anyway; a very short "token" elsewhere would blank ordinary text.
    for (const secret of own) if (secret.length >= 6 && result.includes(secret)) result = result.split(secret).join('[redacted]');
    result = result.replace(tokenShaped, (run) => (uuid.test(run) || !/\d/.test(run) || !/[A-Za-z]/.test(run) ? run : '[redacted]'));
    if (known && this.knownHashes.size > 0) {
      result = result.replace(words, (word) => {
        if (uuid.test(word)) return word;
        if (this.knownHashes.has(sha256(word))) return '[redacted]';
        // A token pasted inside a longer word (`x=TOKEN`) is cut at its usual separators.
        for (const part of word.split(/[=/.+~]/)) if (part.length >= 6 && part !== word && this.knownHashes.has(sha256(part))) return '[redacted]';
        return word;
      });
    }
    return result;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The request's own tokens, under whatever key spelling the client used, at the top of the body. */
function ownTokens(body: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(body)) if (secretKey.test(key) && typeof value === 'string' && value.length > 0) found.push(value);
  return found;
}

/**
 * The body as the journal keeps it: values under secret-looking keys blanked at any depth, every
 * token removed from any other text (keys included), and a body that is not a JSON object (it may be
 * nothing but a token) reduced to a note of its type.
 */
export function redactedBody(body: unknown, filter: TokenFilter): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { NotAnObject: Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body };
  }
  const own = ownTokens(body as Record<string, unknown>);
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return filter.scrub(value, own);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 32) return '[too deep]';
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[filter.scrub(key, own)] = secretKey.test(key) ? '[redacted]' : walk(item, depth + 1);
    }
    return copy;
  };
  return walk(body, 0);
}

function shown(kept: Buffer | Note | null): unknown {
  if (kept === null) return null;
  if (!Buffer.isBuffer(kept)) return kept;
  const text = kept.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface JournalQuery {
  readonly operation?: string;
  /** An exact status (`429`) or a class (`4xx`). */
  readonly status?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly limit?: number;
}

export interface JournalOptions {
  /** How many calls are kept at most. */
  readonly capacity: number;
  /** How many bytes of bodies and answers are kept at most; the oldest calls go first. */
  readonly budgetBytes: number;
}

export class Journal {
  private readonly entries: (Recorded | undefined)[];
  private next = 0;
  private size = 0;
  private bytes = 0;
  /** Calls dropped to stay within the byte budget (not counting those pushed out by the capacity). */
  private droppedForBytes = 0;
  /** Bodies and answers kept as a note of their size. */
  private truncated = 0;
  readonly capacity: number;
  readonly budgetBytes: number;
  readonly tokens = new TokenFilter();

  constructor(options: JournalOptions) {
    this.capacity = options.capacity;
    this.budgetBytes = options.budgetBytes;
    this.entries = new Array(this.capacity);
  }

  record(request: FastifyRequest, status: number, durationMs: number): void {
    const declared = request.headers['content-length'];
    const bodyBytes = declared === undefined ? null : Number(declared);
    const rawBody = request.body;
    let body: Buffer | Note;
    if (bodyBytes === null || !(bodyBytes <= maxKeptBytes)) {
      body = { Truncated: true, Bytes: bodyBytes };
    } else {
      body = Buffer.from(JSON.stringify(redactedBody(rawBody, this.tokens)) ?? 'null', 'utf8');
    }
    const own = rawBody !== null && typeof rawBody === 'object' && !Array.isArray(rawBody) ? ownTokens(rawBody as Record<string, unknown>) : [];
    const sent = request.journalPayload;
    let payload: Buffer | Note | null = null;
    if (Buffer.isBuffer(sent) || typeof sent === 'string') {
      const sentBytes = Buffer.isBuffer(sent) ? sent.length : Buffer.byteLength(sent);
      payload = sentBytes > maxKeptBytes
        ? { Truncated: true, Bytes: sentBytes }
        // Answers are the server's own text: the request's tokens and token-shaped text are enough to look for.
        : Buffer.from(this.tokens.scrub(Buffer.isBuffer(sent) ? sent.toString('utf8') : sent, own, false), 'utf8');
    } else if (sent !== undefined && sent !== null) {
      payload = Buffer.from('"[stream]"');
    }
    if (!Buffer.isBuffer(body)) this.truncated++;
    if (payload !== null && !Buffer.isBuffer(payload)) this.truncated++;
    const bytes = entryOverheadBytes + (Buffer.isBuffer(body) ? body.length : 0) + (Buffer.isBuffer(payload) ? payload.length : 0);
    const recordedBody = rawBody as Record<string, unknown> | null | undefined;
    const accessToken = recordedBody && typeof recordedBody === 'object' ? recordedBody.AccessToken : undefined;
    this.add({
      id: request.id,
      time: request.journalStart ?? Date.now() - durationMs,
      method: request.method,
      path: request.url.split('?')[0]!,
      body,
      token: maskToken(accessToken),
      payload,
      status,
      durationMs,
      fault: request.injectedFault ?? null,
      chainIds: request.principal?.chainIds ?? [],
      bytes,
    });
  }

  private add(entry: Recorded): void {
    while (this.size > 0 && (this.size === this.capacity || this.bytes + entry.bytes > this.budgetBytes)) {
      if (this.size < this.capacity) this.droppedForBytes++;
      this.dropOldest();
    }
    if (entry.bytes > this.budgetBytes) {
      this.droppedForBytes++;
      return;
    }
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size++;
    this.bytes += entry.bytes;
  }

  private dropOldest(): void {
    const oldest = (this.next - this.size + this.capacity) % this.capacity;
    this.bytes -= this.entries[oldest]!.bytes;
    this.entries[oldest] = undefined;
    this.size--;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.size = 0;
    this.bytes = 0;
  }

  /** What the journal holds and what it let go. */
  usage(): { Entries: number; Bytes: number; BudgetBytes: number; DroppedForBytes: number; TruncatedBodies: number } {
    return { Entries: this.size, Bytes: this.bytes, BudgetBytes: this.budgetBytes, DroppedForBytes: this.droppedForBytes, TruncatedBodies: this.truncated };
  }

  /** Newest first. */
  query(query: JournalQuery = {}): JournalEntry[] {
    const found: JournalEntry[] = [];
    const limit = query.limit ?? this.capacity;
    for (let i = 1; i <= this.size && found.length < limit; i++) {
      const entry = this.entries[(this.next - i + this.capacity) % this.capacity]!;
      const operation = entry.path.startsWith(apiPrefix) ? entry.path.slice(apiPrefix.length) : null;
      if (query.operation && operation !== query.operation) continue;
      if (query.status && !(/^\dxx$/i.test(query.status) ? String(entry.status)[0] === query.status[0] : String(entry.status) === query.status)) continue;
      if (query.sinceMs !== undefined && entry.time < query.sinceMs) continue;
      if (query.untilMs !== undefined && entry.time >= query.untilMs) continue;
      found.push({
        Id: entry.id,
        TimeUtc: new Date(entry.time).toISOString(),
        Method: entry.method,
        Path: entry.path,
        Operation: operation,
        Token: entry.token,
        Status: entry.status,
        DurationMs: Math.round(entry.durationMs * 100) / 100,
        RequestBody: shown(entry.body),
        ResponseBody: shown(entry.payload),
        Fault: entry.fault,
        ChainIds: entry.chainIds,
      });
    }
    return found;
  }
}

/** Records every call of the API (not the control plane, the docs or the probes). */
export function registerJournal(app: FastifyInstance, journal: Journal, db: Kysely<Database>): void {
  // The tenancy's tokens as the server starts (seeds are applied before it serves); tokens made later
  // by the control plane (integrations) are token-shaped and blanked by their shape.
  app.addHook('onReady', async () => {
    try {
      journal.tokens.setKnownHashes(await allTokenHashes(db));
    } catch (error) {
      // The server starts anyway: token-shaped text and each request's own tokens are still blanked.
      app.log.warn({ err: error }, 'the journal could not read the tenancy\'s tokens');
    }
  });
  // Callback-style hooks: an async hook costs a promise per request, which the benchmark can see.
  app.addHook('onRequest', (request, _reply, done) => {
    request.journalStart = Date.now();
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.url.startsWith(apiPrefix)) request.journalPayload = payload;
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (request.url.startsWith(apiPrefix)) journal.record(request, reply.statusCode, reply.elapsedTime);
    done();
  });
}
