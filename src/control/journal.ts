// The request journal: the last N API calls in a ring buffer, with tokens redacted. Recording keeps
// references only (the parsed body, the serialized answer); copies and parsing happen when someone
// reads the journal, so the hot path pays almost nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
}

interface Recorded {
  readonly id: string;
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly bodyBytes: number;
  readonly token: string | null;
  readonly payload: unknown;
  readonly status: number;
  readonly durationMs: number;
  readonly fault: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by fault injection: the rule (or `prefer`) that answered for the server. */
    injectedFault?: string;
    journalPayload?: unknown;
    journalStart?: number;
  }
}

/** Bodies above this are kept as a note of their size, so the journal's memory stays bounded. */
const maxKeptBytes = 64 * 1024;
const apiPrefix = '/api/connector/v1/';
const secretFields = new Set(['ClientToken', 'AccessToken']);

/** `C66E…453D`: enough to tell tokens apart, never the token. */
export const maskToken = (token: unknown) =>
  typeof token === 'string' && token.length > 0 ? (token.length > 12 ? `${token.slice(0, 4)}…${token.slice(-4)}` : '…') : null;

/**
 * The body as the journal shows it: credentials blanked at any depth, and a body that is not a JSON
 * object (it may be nothing but a token) reduced to a note of its type.
 */
function redacted(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { NotAnObject: Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body };
  }
  // The request's own tokens are blanked wherever the client put them, not only in their fields.
  const secrets = [...secretFields].map((field) => (body as Record<string, unknown>)[field]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return secrets.some((secret) => value.includes(secret)) ? '[redacted]' : value;
    if (value === null || typeof value !== 'object') return value;
    if (depth > 32) return '[too deep]';
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = secretFields.has(key) ? '[redacted]' : walk(item, depth + 1);
    return copy;
  };
  return walk(body, 0);
}

function parsePayload(payload: unknown): unknown {
  if (payload !== null && typeof payload === 'object' && 'Truncated' in payload) return payload;
  if (typeof payload !== 'string') return payload === undefined || payload === null ? null : '[stream]';
  if (payload.length === 0) return null;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
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

export class Journal {
  private readonly entries: (Recorded | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array(capacity);
  }

  record(request: FastifyRequest, status: number, durationMs: number): void {
    // Big bodies and answers are kept as a note of their size, never by reference, so the journal
    // holds at most capacity × 64 KB of them.
    const bodyBytes = Number(request.headers['content-length'] ?? Number.MAX_SAFE_INTEGER);
    // Answers from the answer cache are Buffers: kept as text (a Buffer held here would pin the cached answer).
    const sent = request.journalPayload;
    const sentBytes = Buffer.isBuffer(sent) || typeof sent === 'string' ? sent.length : 0;
    const payload = sentBytes > maxKeptBytes ? { Truncated: true, Bytes: sentBytes } : Buffer.isBuffer(sent) ? sent.toString('utf8') : sent;
    this.entries[this.next] = {
      id: request.id,
      time: request.journalStart ?? Date.now() - durationMs,
      method: request.method,
      path: request.url.split('?')[0]!,
      body: bodyBytes > maxKeptBytes ? undefined : request.body,
      bodyBytes,
      token: maskToken((request.body as Record<string, unknown> | null | undefined)?.AccessToken),
      payload,
      status,
      durationMs,
      fault: request.injectedFault ?? null,
    };
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.size = 0;
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
        RequestBody: entry.bodyBytes > maxKeptBytes
          ? { Truncated: true, Bytes: entry.bodyBytes === Number.MAX_SAFE_INTEGER ? null : entry.bodyBytes }
          : redacted(entry.body),
        ResponseBody: parsePayload(entry.payload),
        Fault: entry.fault,
      });
    }
    return found;
  }
}

/** Records every call of the API (not the control plane, the docs or the probes). */
export function registerJournal(app: FastifyInstance, journal: Journal): void {
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
