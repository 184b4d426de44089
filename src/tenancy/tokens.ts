// Tokens -> Principal. Tokens are only ever held as SHA-256 hashes: the database stores hashes, the
// lookup is by hash, and the client token is compared to the stored hash in constant time.
//
// A successful authentication is remembered for a few seconds per database (keyed by the access token's
// hash, never the token), so a client's stream of requests costs one lookup per TTL instead of two queries
// per request. The client token is still hashed and compared in constant time on every request. Refusals
// are never cached: a token becomes valid as soon as it is in the database; a token disabled by a tenancy
// seed (applied on start, possibly by another instance) stops working within the TTL. An integration
// disabled, canceled, deleted or re-keyed through the control plane (by any instance) is refused at once:
// a remembered entry is re-checked against the token's state, one primary-key read, skipped only while
// the database says nothing at all was written since the last check (SQLite's change mark). On
// PostgreSQL that read also brings the change marks of the caller's chains, which the answer cache keys on.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import type { ChangeTracking } from '../store/store.ts';
import { selectAccessToken, selectIntegrationState, selectIntegrationStateAndChainMarks } from '../store/tenancy.ts';
import type { Principal } from './principal.ts';

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export type Authentication =
  | {
    readonly ok: true;
    readonly principal: Principal;
    /** The change marks of the principal's chains as this request read them (PostgreSQL), for the answer cache. */
    readonly chainMarks?: string;
  }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): Authentication => ({ ok: false, reason });

/** An unknown access token and a client token that does not match it answer alike: neither confirms the other exists. */
const invalidPair = 'Invalid ClientToken or AccessToken: the pair of tokens is not valid.';

/** How long a successful authentication is reused. */
export const authenticationTtlMs = 5_000;
/** Distinct access tokens remembered per database; the oldest entry goes first. */
const maxRemembered = 10_000;

interface Remembered {
  readonly clientTokenHash: Buffer;
  readonly authentication: Authentication;
  readonly expires: number;
  /** The database's change mark when the state was last checked; undefined when it cannot tell. */
  checkedAt: string | undefined;
}

const remembered = new WeakMap<Kysely<Database>, Map<string, Remembered>>();

function memoryOf(db: Kysely<Database>): Map<string, Remembered> {
  let memory = remembered.get(db);
  if (!memory) {
    memory = new Map();
    remembered.set(db, memory);
  }
  return memory;
}

/** Forgets the authentications remembered for this database (after a change of tokens or enterprises). */
export function forgetAuthentications(db: Kysely<Database>): void {
  remembered.delete(db);
}

/**
 * A remembered token whose integration is still enabled (nothing written since, or its state says so),
 * with its chains' marks where they are read (PostgreSQL); `undefined` when it is not.
 */
async function stillEnabled(db: Kysely<Database>, principal: Principal, known: Remembered, changes: ChangeTracking): Promise<{ readonly chainMarks?: string } | undefined> {
  if (changes.kind === 'chains') {
    const current = await selectIntegrationStateAndChainMarks(db, principal.accessTokenHash, principal.chainIds);
    return current?.state === 'Enabled' ? { chainMarks: current.chainMarks } : undefined;
  }
  const mark = changes.mark();
  if (mark !== undefined && mark === known.checkedAt) return {};
  if ((await selectIntegrationState(db, principal.accessTokenHash)) !== 'Enabled') return undefined;
  known.checkedAt = mark;
  return {};
}

export async function authenticate(
  db: Kysely<Database>, clientToken: string, accessToken: string, changes: ChangeTracking,
): Promise<Authentication> {
  const accessTokenHash = hashToken(accessToken);
  const clientTokenHash = createHash('sha256').update(clientToken, 'utf8').digest();
  const memory = memoryOf(db);
  const now = Date.now();
  const known = memory.get(accessTokenHash);
  if (known) {
    if (known.expires > now && timingSafeEqual(clientTokenHash, known.clientTokenHash) && known.authentication.ok) {
      const enabled = await stillEnabled(db, known.authentication.principal, known, changes);
      if (enabled) return enabled.chainMarks === undefined ? known.authentication : { ...known.authentication, chainMarks: enabled.chainMarks };
    }
    // Expired, or another client token: ask the database (which gives the refusal its reason).
    memory.delete(accessTokenHash);
  }

  const mark = changes.kind === 'database' ? changes.mark() : undefined;
  const record = await selectAccessToken(db, accessTokenHash);
  if (!record) return refuse(invalidPair);
  const storedClientTokenHash = Buffer.from(record.clientTokenHash, 'hex');
  if (!timingSafeEqual(clientTokenHash, storedClientTokenHash)) {
    return refuse(invalidPair);
  }
  if (!record.clientEnabled) return refuse('The integration is disabled.');
  if (!record.tokenEnabled) return refuse('Invalid AccessToken: the access token is disabled.');
  if (record.integrationState !== 'Enabled') return refuse(`The integration is ${record.integrationState.toLowerCase()}.`);
  const enterprises = record.enterprises.filter((e) => e.enabled).map(({ id, chainId }) => ({ id, chainId }));
  if (enterprises.length === 0) return refuse('The enterprise is disabled.');
  if (!record.isPortfolio && record.enterprises.length !== enterprises.length) return refuse('The enterprise is disabled.');
  const authentication: Authentication = {
    ok: true,
    principal: {
      accessTokenHash,
      clientName: record.clientName,
      isPortfolio: record.isPortfolio,
      enterprises,
      chainIds: [...new Set(enterprises.map((e) => e.chainId))],
      portfolioEnterpriseId: record.portfolioEnterpriseId,
    },
  };
  if (memory.size >= maxRemembered) memory.delete(memory.keys().next().value!);
  memory.set(accessTokenHash, { clientTokenHash: storedClientTokenHash, authentication, expires: now + authenticationTtlMs, checkedAt: mark });
  if (changes.kind === 'chains') {
    // Once per token and TTL: the marks, so that this request too can be answered from and kept in memory.
    const current = await selectIntegrationStateAndChainMarks(db, accessTokenHash, authentication.principal.chainIds);
    if (current?.state === 'Enabled') return { ...authentication, chainMarks: current.chainMarks };
  }
  return authentication;
}
