// src/http: Fastify only, and thin: the request pipeline's stages, one file each, the routes of the
// registry, the error body, health and the OpenAPI document.
//
// Answers of repeatable reads, kept as the bytes that were sent, until anything they read is written.
//
// A getAll answer depends only on the stored records, the request and the caller. Between two writes
// the same request gets the same bytes, so the second time they come from here: no query, no rows
// turned into objects, no serialization of a 58 KB page. How the cache learns of writes depends on the
// database (store.ts, ChangeTracking):
// - SQLite (`database`): the store's change mark moves at a commit by this connection or by any other
//   process on the file; a new mark drops every answer.
// - PostgreSQL (`chains`), shared by instances: each chain has a mark the database moves in every
//   writer's transaction, and a request reads its chains' marks with its token's state (one statement
//   it made anyway). An answer is kept with the marks it was computed under and given only to a request
//   that read the same marks: anything committed before that request began, by any instance, would
//   have moved them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeTracking } from '../store/store.ts';
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

/** The change marks of a caller's chains as its request read them (PostgreSQL). */
export interface ChainMarks {
  /** The chains, as one text: marks are compared only between requests of the same chains. */
  readonly chains: string;
  readonly marks: string;
}

/** What an answer was computed from: kept only if nothing was written meanwhile. */
export interface PendingAnswer {
  readonly key: string;
  readonly mark: string;
  /** The chains whose marks `mark` is; '' with the database's one mark. */
  readonly chains: string;
  /** How often its request was asked for since the change mark (this asking included). */
  readonly asked: number;
}

/** A kept answer, the mark it was computed under, and how often its request was asked for since the change mark. */
interface KeptAnswer {
  readonly bytes: Buffer;
  readonly mark: string;
  readonly chains: string;
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
  /** PostgreSQL: the newest marks a request read, per set of chains; an entry under other marks is stale. */
  readonly #newestMarks = new Map<string, string>();
  #bytes = 0;
  #mark: string | undefined;
  #hits = 0;
  #misses = 0;

  /**
   * @param maxBytes what the kept answers and their keys may take together; 0 keeps nothing.
   * @param changes how writes are told: the store's one mark (`undefined` when it cannot tell), or the
   *   chains' marks each request brings to `lookup`.
   */
  constructor(private readonly maxBytes: number, private readonly changes: ChangeTracking) {}

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
   * made only when the store can tell about changes: with the database's mark, or with the chains'
   * marks the request read (none: nothing is kept for it).
   */
  lookup(keyOf: () => string, chainMarks?: ChainMarks): { readonly answer: Buffer } | { readonly pending: PendingAnswer | undefined } {
    if (this.maxBytes === 0) return { pending: undefined };
    const mark = this.changes.kind === 'database' ? this.changes.mark() : chainMarks?.marks;
    if (mark === undefined) return { pending: undefined };
    const chains = chainMarks?.chains ?? '';
    let key: string;
    try {
      key = keyOf();
    } catch {
      // A request nested too deep to write out as a key (JSON.stringify overflows): answered, not kept.
      return { pending: undefined };
    }
    if (this.changes.kind === 'database' && mark !== this.#mark) {
      this.#answers.clear();
      this.#asked.clear();
      this.#bytes = 0;
      this.#mark = mark;
    }
    if (chainMarks !== undefined) {
      if (this.#newestMarks.size >= maxCounted && !this.#newestMarks.has(chains)) this.#newestMarks.clear();
      this.#newestMarks.set(chains, mark);
    }
    const kept = this.#answers.get(key);
    if (kept !== undefined) {
      this.#answers.delete(key);
      if (kept.mark === mark) {
        this.#hits++;
        kept.asked++;
        this.#answers.set(key, kept);
        return { answer: kept.bytes };
      }
      // Its chains were written since: the answer goes, its askings still count.
      this.#bytes -= entrySize(key, kept.bytes.length);
    }
    this.#misses++;
    // Kept at its second asking: requests that never repeat (the next page, another account) would
    // otherwise copy every answer into the cache and push out the ones that do.
    const hash = keyHash(key);
    const asked = (this.#asked.get(hash) ?? 0) + 1;
    if (this.#asked.size >= maxCounted && asked === 1) this.#asked.clear();
    this.#asked.set(hash, asked);
    return { pending: asked < 2 ? undefined : { key, mark, chains, asked } };
  }

  /** An answer whose chains some later request found written since (PostgreSQL); it will never be given again. */
  #isStale(kept: KeptAnswer): boolean {
    const newest = this.#newestMarks.get(kept.chains);
    return newest !== undefined && newest !== kept.mark;
  }

  /**
   * Keeps an answer, unless something was written since its lookup (it may predate the write), or the
   * cache is full and the answer it would evict first was asked for as often. Without that rule,
   * requests that each come back once or twice (the pages of a walk, a sweep over accounts) would evict
   * one another without end: every evicted answer is memory outside V8's heap that returns only at its
   * next full collection, and such a sweep held 60–80 MB of it beside a 16 MiB cache.
   */
  keep(pending: PendingAnswer, answer: string | Buffer): void {
    // With the chains' marks an answer read after its request's marks is at least as new as they are,
    // and a request that read other marks will not be given it: kept as it is.
    if (this.changes.kind === 'database' && (this.changes.mark() !== pending.mark || this.#mark !== pending.mark)) return;
    const size = entrySize(pending.key, typeof answer === 'string' ? Buffer.byteLength(answer, 'utf8') : answer.length);
    if (size > this.maxBytes / largestShare) return;
    const previous = this.#answers.get(pending.key);
    if (previous === undefined && this.#bytes + size > this.maxBytes) {
      const [, leastRecent] = this.#answers.entries().next().value ?? [];
      if (leastRecent !== undefined && leastRecent.asked >= pending.asked && !this.#isStale(leastRecent)) return;
    }
    if (previous !== undefined) {
      this.#bytes -= entrySize(pending.key, previous.bytes.length);
      this.#answers.delete(pending.key);
    }
    const bytes = typeof answer === 'string' ? Buffer.from(answer, 'utf8') : ownedBytes(answer);
    this.#answers.set(pending.key, { bytes, mark: pending.mark, chains: pending.chains, asked: pending.asked });
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
    const principal = request.principal!;
    const chainMarks = request.chainMarks === undefined ? undefined : { chains: principal.chainIds.join(','), marks: request.chainMarks };
    const found = cache.lookup(() => cache.keyOf(operation, principal, request.body as Record<string, unknown>), chainMarks);
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
