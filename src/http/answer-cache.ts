// src/http: Fastify only, and thin: the request pipeline's stages, one file each, the routes of the
// registry, the error body, health and the OpenAPI document.
//
// Answers of repeatable reads, kept as the bytes that were sent, until anything is written.
//
// A getAll answer depends only on the stored records, the request and the caller. Between two writes
// the same request gets the same bytes, so the second time they come from here: no query, no rows
// turned into objects, no serialization of a 58 KB page. The store's change mark says when anything
// may have been written (on SQLite: a commit by this connection or by any other process on the file);
// a new mark drops every answer. A store that cannot tell (PostgreSQL, written to by other instances)
// has no mark, and nothing is kept: app.ts builds no cache for it at all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../tenancy/principal.ts';
import { operationOf, type RoutedOperation } from './operation.ts';
import { prefersMinimal } from './prefer.ts';
import { jsonContentType } from './serialization.ts';

export interface AnswerCacheStatistics {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
}

/** What an answer was computed from: kept only if nothing was written meanwhile. */
export interface PendingAnswer {
  readonly key: string;
  readonly mark: string;
  /** How often its request was asked for since the change mark (this asking included). */
  readonly asked: number;
}

/** A kept answer and how often its request was asked for since the change mark. */
interface KeptAnswer {
  readonly bytes: Buffer;
  asked: number;
}

/** Credentials are not part of what an operation answers: the caller's resolved scope stands for them. */
const credentialProperties = new Set(['ClientToken', 'AccessToken', 'Client']);
/** No single answer may take more than this share of the cache, or one page would evict all others. */
const largestShare = 4;

/** How many keys' askings are counted (about 40 bytes each); then the counts start afresh. */
const maxCounted = 50_000;

/** A 53-bit hash of a key (cyrb53): numbers, not the keys (kilobytes each for long id lists), are remembered. */
function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** What a Map entry costs besides its key and value (its slot, the Buffer object), counted generously. */
const entryOverheadBytes = 128;
/** A JavaScript string takes at most 2 bytes a character. */
const bytesPerKeyCharacter = 2;
/** What an entry holds: its answer's bytes, its key and the Map's own cost. */
const entrySize = (key: string, answerBytes: number) => answerBytes + bytesPerKeyCharacter * key.length + entryOverheadBytes;

/**
 * Bytes that hold no more memory than their length: a small Buffer may be a slice of Node's shared
 * 8 KiB pool, which keeping it would pin.
 */
function ownedBytes(answer: Buffer): Buffer {
  if (answer.byteOffset === 0 && answer.buffer.byteLength === answer.length) return answer;
  const owned = Buffer.allocUnsafeSlow(answer.length);
  answer.copy(owned);
  return owned;
}

export class AnswerCache {
  /**
   * Insertion order is recency order: a hit moves its entry to the end, eviction takes the first.
   * Answers are kept as UTF-8 bytes: what is counted is what is held, and a hit sends them as they are.
   */
  readonly #answers = new Map<string, KeptAnswer>();
  /** Per operation, the request properties its key is made of. */
  readonly #keyProperties = new Map<string, readonly string[]>();
  /** How often each key (by its hash) was asked for since the change mark; a collision only keeps an answer early. */
  readonly #asked = new Map<number, number>();
  #bytes = 0;
  #mark: string | undefined;
  #hits = 0;
  #misses = 0;

  /**
   * @param maxBytes what the kept answers and their keys may take together; 0 keeps nothing.
   * @param changeMark the store's change mark; `undefined` when it cannot tell.
   */
  constructor(private readonly maxBytes: number, private readonly changeMark: () => string | undefined) {}

  /**
   * The key of a repeatable read: the operation, the caller, and the request's declared properties but
   * the credentials, in the schema's order. Unknown properties are ignored by the operation, so they
   * stay out of the key too (they may be anything, nested arbitrarily deep).
   */
  keyOf(operation: RoutedOperation, principal: Principal, body: Record<string, unknown>): string {
    let properties = this.#keyProperties.get(operation.name);
    if (properties === undefined) {
      properties = Object.keys(operation.declaration.request.properties).filter((property) => !credentialProperties.has(property));
      this.#keyProperties.set(operation.name, properties);
    }
    // The caller's scope as resolved for this request, not only its token: an answer computed before
    // the token's enterprises changed must not be found with the new scope.
    const scope = principal.enterprises.map((enterprise) => `${enterprise.id}/${enterprise.chainId}`).join(',');
    let key = `${operation.name}\u0000${principal.accessTokenHash}\u0000${principal.isPortfolio}\u0000${principal.portfolioEnterpriseId}\u0000${scope}`;
    for (const property of properties) {
      const value = body[property];
      if (value !== undefined) key += `\u0000${property}=${JSON.stringify(value)}`;
    }
    return key;
  }

  /**
   * The answer kept for this key, or what to pass to `keep` once the answer is computed. The key is
   * made only when the store can tell about changes.
   */
  lookup(keyOf: () => string): { readonly answer: Buffer } | { readonly pending: PendingAnswer | undefined } {
    if (this.maxBytes === 0) return { pending: undefined };
    const mark = this.changeMark();
    if (mark === undefined) return { pending: undefined };
    let key: string;
    try {
      key = keyOf();
    } catch {
      // A request nested too deep to write out as a key (JSON.stringify overflows): answered, not kept.
      return { pending: undefined };
    }
    if (mark !== this.#mark) {
      this.#answers.clear();
      this.#asked.clear();
      this.#bytes = 0;
      this.#mark = mark;
    }
    const kept = this.#answers.get(key);
    if (kept !== undefined) {
      this.#hits++;
      kept.asked++;
      this.#answers.delete(key);
      this.#answers.set(key, kept);
      return { answer: kept.bytes };
    }
    this.#misses++;
    // Kept at its second asking: requests that never repeat (the next page, another account) would
    // otherwise copy every answer into the cache and push out the ones that do.
    const hash = keyHash(key);
    const asked = (this.#asked.get(hash) ?? 0) + 1;
    if (this.#asked.size >= maxCounted && asked === 1) this.#asked.clear();
    this.#asked.set(hash, asked);
    return { pending: asked < 2 ? undefined : { key, mark, asked } };
  }

  /**
   * Keeps an answer, unless something was written since its lookup (it may predate the write), or the
   * cache is full and the answer it would evict first was asked for as often. Without that rule,
   * requests that each come back once or twice (the pages of a walk, a sweep over accounts) would evict
   * one another without end: every evicted answer is memory outside V8's heap that returns only at its
   * next full collection, and such a sweep held 60–80 MB of it beside a 16 MiB cache.
   */
  keep(pending: PendingAnswer, answer: string | Buffer): void {
    if (this.changeMark() !== pending.mark || this.#mark !== pending.mark) return;
    const size = entrySize(pending.key, typeof answer === 'string' ? Buffer.byteLength(answer, 'utf8') : answer.length);
    if (size > this.maxBytes / largestShare) return;
    const previous = this.#answers.get(pending.key);
    if (previous === undefined && this.#bytes + size > this.maxBytes) {
      const [, leastRecent] = this.#answers.entries().next().value ?? [];
      if (leastRecent !== undefined && leastRecent.asked >= pending.asked) return;
    }
    if (previous !== undefined) {
      this.#bytes -= entrySize(pending.key, previous.bytes.length);
      this.#answers.delete(pending.key);
    }
    const bytes = typeof answer === 'string' ? Buffer.from(answer, 'utf8') : ownedBytes(answer);
    this.#answers.set(pending.key, { bytes, asked: pending.asked });
    this.#bytes += size;
    for (const [key, entry] of this.#answers) {
      if (this.#bytes <= this.maxBytes) break;
      this.#answers.delete(key);
      this.#bytes -= entrySize(key, entry.bytes.length);
    }
  }

  statistics(): AnswerCacheStatistics {
    return { entries: this.#answers.size, bytes: this.#bytes, hits: this.#hits, misses: this.#misses };
  }
}

/** What an app without a cache reports. */
export const noAnswerCache: Pick<AnswerCache, 'statistics'> = {
  statistics: () => ({ entries: 0, bytes: 0, hits: 0, misses: 0 }),
};

/**
 * The answer cache stage, around the handler: a repeatable read answered before, with nothing written
 * since, gets the same bytes again (preHandler); a fresh 200 answer is kept as it was sent (onSend).
 */
export function registerAnswerCache(app: FastifyInstance, cache: AnswerCache): void {
  app.decorateRequest('pendingAnswer', undefined);
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const operation = operationOf(request);
    if (!operation.declaration.repeatable || prefersMinimal(request)) return;
    const found = cache.lookup(() => cache.keyOf(operation, request.principal!, request.body as Record<string, unknown>));
    if ('answer' in found) return reply.type(jsonContentType).send(found.answer);
    request.pendingAnswer = found.pending;
    return undefined;
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // Serialized by the route's own response schema: what was sent is what is kept.
    if (request.pendingAnswer && reply.statusCode === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload))) cache.keep(request.pendingAnswer, payload);
    return payload;
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's answer cache (its statistics are read by tests and the benchmark). */
    answerCache: Pick<AnswerCache, 'statistics'>;
  }
  interface FastifyRequest {
    /** A repeatable read not found in the answer cache: its key, to keep the answer under. */
    pendingAnswer: PendingAnswer | undefined;
  }
}
