// SQL for the outbox: webhook endpoints of clients, the integrations an event goes to, events written
// in the request's transaction, and the messages the deliverer claims, sends and records.
// On PostgreSQL several instances share the tables: rows are claimed with FOR UPDATE SKIP LOCKED, so
// each instance takes what no other holds. On SQLite one process owns the file and a plain claim does.
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { isPostgres } from './dialect.ts';

export type WebhookKind = 'General' | 'Integration';
export type MessageState = 'Pending' | 'Delivered' | 'Discarded';

/** An integration whose scope covers a chain, with its client's endpoint for the kind asked. */
export interface GeneralTarget {
  readonly clientTokenHash: string;
  readonly accessTokenHash: string;
  readonly integrationId: string | null;
  readonly isPortfolio: boolean;
  readonly portfolioEnterpriseId: string | null;
  readonly enterpriseId: string;
}

/** Enabled integrations (token and state) of enabled clients with a GeneralWebhookUrl whose enabled enterprises include one of this chain. */
export async function generalTargetsOfChain(db: Kysely<Database>, chainId: string): Promise<GeneralTarget[]> {
  const rows = await db.selectFrom('access_tokens')
    .innerJoin('clients', 'clients.token_hash', 'access_tokens.client_token_hash')
    .innerJoin('access_token_enterprises', 'access_token_enterprises.access_token_hash', 'access_tokens.token_hash')
    .innerJoin('enterprises', 'enterprises.id', 'access_token_enterprises.enterprise_id')
    .select([
      'access_tokens.client_token_hash as clientTokenHash', 'access_tokens.token_hash as accessTokenHash',
      'access_tokens.integration_id as integrationId', 'access_tokens.is_portfolio as isPortfolio',
      'access_tokens.portfolio_enterprise_id as portfolioEnterpriseId', 'enterprises.id as enterpriseId',
    ])
    .where('enterprises.chain_id', '=', chainId)
    .where('enterprises.is_enabled', '=', 1)
    .where('access_tokens.is_enabled', '=', 1)
    // A hotel that disabled, canceled or deleted the integration tells its partner nothing more.
    .where('access_tokens.integration_state', '=', 'Enabled')
    .where('clients.is_enabled', '=', 1)
    .where('clients.general_webhook_url', 'is not', null)
    .orderBy('access_tokens.token_hash').orderBy('enterprises.id')
    .execute();
  // A portfolio token over two enterprises of the chain is one integration: one target.
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.accessTokenHash) && seen.add(row.accessTokenHash))
    .map((row) => ({ ...row, isPortfolio: row.isPortfolio === 1 }));
}

export interface NewOutboxEvent {
  readonly clientTokenHash: string;
  readonly integrationId: string;
  readonly enterpriseId: string;
  readonly discriminators: readonly string[];
  readonly entityId: string;
}

export async function insertOutboxEvents(db: Kysely<Database>, events: readonly NewOutboxEvent[], now: Date): Promise<void> {
  const stamp = now.toISOString();
  if (events.length === 0) return;
  await db.insertInto('outbox_events').values(events.map((e) => ({
    client_token_hash: e.clientTokenHash, integration_id: e.integrationId, enterprise_id: e.enterpriseId,
    discriminators: e.discriminators.join(' '), entity_id: e.entityId, created_utc: stamp,
  }))).execute();
}

export interface OutboxEvent extends NewOutboxEvent {
  readonly seq: number;
}

/**
 * The oldest events not yet gathered into messages, locked for this transaction; another instance
 * skips them. The caller deletes what it gathered in the same transaction.
 */
/** Whether any event waits to be gathered into a message. */
export async function hasOutboxEvents(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('outbox_events').select('seq').limit(1).executeTakeFirst()) !== undefined;
}

export async function takeOutboxEvents(db: Kysely<Database>, limit: number): Promise<OutboxEvent[]> {
  const lock = isPostgres(db) ? sql` for update skip locked` : sql``;
  const { rows } = await sql<{ seq: number; client_token_hash: string; integration_id: string; enterprise_id: string; discriminators: string; entity_id: string }>`
    select seq, client_token_hash, integration_id, enterprise_id, discriminators, entity_id
    from outbox_events order by seq limit ${limit}${lock}`.execute(db);
  return rows.map((row) => ({
    seq: Number(row.seq), clientTokenHash: row.client_token_hash, integrationId: row.integration_id, enterpriseId: row.enterprise_id,
    discriminators: row.discriminators.split(' '), entityId: row.entity_id,
  }));
}

export async function deleteOutboxEvents(db: Kysely<Database>, seqs: readonly number[]): Promise<void> {
  for (let start = 0; start < seqs.length; start += 900) {
    await db.deleteFrom('outbox_events').where('seq', 'in', seqs.slice(start, start + 900)).execute();
  }
}

export interface NewWebhookMessage {
  readonly id: string;
  readonly kind: WebhookKind;
  readonly clientTokenHash: string;
  readonly integrationId: string;
  readonly payload: string;
}

export async function insertWebhookMessages(db: Kysely<Database>, messages: readonly NewWebhookMessage[], now: Date): Promise<void> {
  const stamp = now.toISOString();
  for (let start = 0; start < messages.length; start += 200) {
    await db.insertInto('webhook_messages').values(messages.slice(start, start + 200).map((m) => ({
      id: m.id, kind: m.kind, client_token_hash: m.clientTokenHash, integration_id: m.integrationId, payload: m.payload,
      state: 'Pending', attempts: 0, last_status: null, last_error: null, next_attempt_utc: stamp, claimed_until_utc: '', claim_id: null,
      created_utc: stamp, updated_utc: stamp,
    }))).execute();
  }
}

export interface WebhookMessageRecord {
  readonly id: string;
  readonly kind: WebhookKind;
  readonly integrationId: string;
  readonly payload: string;
  readonly state: MessageState;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly nextAttemptUtc: string;
  readonly createdUtc: string;
  /** The client's current endpoint for the message's kind (a secret: mask it before showing). */
  readonly url: string | null;
}

const messageColumns = [
  'webhook_messages.id as id', 'webhook_messages.kind as kind', 'webhook_messages.integration_id as integrationId',
  'webhook_messages.payload as payload', 'webhook_messages.state as state', 'webhook_messages.attempts as attempts',
  'webhook_messages.last_status as lastStatus', 'webhook_messages.last_error as lastError',
  'webhook_messages.next_attempt_utc as nextAttemptUtc', 'webhook_messages.created_utc as createdUtc',
  'clients.general_webhook_url as generalUrl', 'clients.integration_webhook_url as integrationUrl',
] as const;

function toMessage(row: { id: string; kind: string; integrationId: string; payload: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null; nextAttemptUtc: string; createdUtc: string; generalUrl: string | null; integrationUrl: string | null }): WebhookMessageRecord {
  const { generalUrl, integrationUrl, ...rest } = row;
  return {
    ...rest, kind: row.kind as WebhookKind, state: row.state as MessageState, attempts: Number(row.attempts),
    url: row.kind === 'General' ? generalUrl : integrationUrl,
  };
}

/**
 * Claims up to `limit` messages due now: their lease runs until `leaseUntil` under `claimId`. A claim
 * left by a crashed instance lapses with its lease and the message is claimed again.
 */
export async function claimDueMessages(
  db: Kysely<Database>, now: Date, leaseUntil: Date, claimId: string, limit: number,
): Promise<WebhookMessageRecord[]> {
  return db.transaction().execute(async (trx) => {
    const lock = isPostgres(trx) ? sql` for update skip locked` : sql``;
    const { rows } = await sql<{ id: string }>`
      select id from webhook_messages
      where state = 'Pending' and next_attempt_utc <= ${now.toISOString()} and claimed_until_utc <= ${now.toISOString()}
      order by next_attempt_utc, seq limit ${limit}${lock}`.execute(trx);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await trx.updateTable('webhook_messages').set({ claimed_until_utc: leaseUntil.toISOString(), claim_id: claimId }).where('id', 'in', ids).execute();
    const claimed = await trx.selectFrom('webhook_messages')
      .leftJoin('clients', 'clients.token_hash', 'webhook_messages.client_token_hash')
      .select(messageColumns).where('webhook_messages.id', 'in', ids).orderBy('webhook_messages.seq').execute();
    return claimed.map(toMessage);
  });
}

export interface AttemptOutcome {
  readonly state: MessageState;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly nextAttemptUtc: string;
}

/** Records an attempt's outcome and releases the lease; nothing when the claim no longer holds. */
export async function recordAttempt(db: Kysely<Database>, id: string, claimId: string, outcome: AttemptOutcome, now: Date): Promise<boolean> {
  const result = await db.updateTable('webhook_messages').set({
    state: outcome.state, attempts: outcome.attempts, last_status: outcome.lastStatus, last_error: outcome.lastError,
    next_attempt_utc: outcome.nextAttemptUtc, claimed_until_utc: '', claim_id: null, updated_utc: now.toISOString(),
  }).where('id', '=', id).where('claim_id', '=', claimId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listMessages(
  db: Kysely<Database>, filter: { state?: MessageState; kind?: WebhookKind; limit: number },
): Promise<WebhookMessageRecord[]> {
  let query = db.selectFrom('webhook_messages')
    .leftJoin('clients', 'clients.token_hash', 'webhook_messages.client_token_hash')
    .select(messageColumns);
  if (filter.state) query = query.where('webhook_messages.state', '=', filter.state);
  if (filter.kind) query = query.where('webhook_messages.kind', '=', filter.kind);
  const rows = await query.orderBy('webhook_messages.seq', 'desc').limit(filter.limit).execute();
  return rows.map(toMessage);
}

export async function selectMessage(db: Kysely<Database>, id: string): Promise<WebhookMessageRecord | undefined> {
  const row = await db.selectFrom('webhook_messages')
    .leftJoin('clients', 'clients.token_hash', 'webhook_messages.client_token_hash')
    .select(messageColumns).where('webhook_messages.id', '=', id).executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

/** Pending again, due now; an attempt in flight keeps its lease and records its own outcome first. */
export async function redeliverMessage(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('webhook_messages')
    .set({ state: 'Pending', next_attempt_utc: now.toISOString(), updated_utc: now.toISOString() }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function forgetFinishedMessages(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('webhook_messages').where('state', 'in', ['Delivered', 'Discarded']).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface ClientEndpoints {
  readonly tokenHash: string;
  readonly name: string;
  readonly generalWebhookUrl: string | null;
  readonly integrationWebhookUrl: string | null;
}

export async function listClientEndpoints(db: Kysely<Database>): Promise<ClientEndpoints[]> {
  return db.selectFrom('clients')
    .select(['token_hash as tokenHash', 'name', 'general_webhook_url as generalWebhookUrl', 'integration_webhook_url as integrationWebhookUrl'])
    .orderBy('name').orderBy('token_hash').execute();
}

export async function selectClientEndpoints(db: Kysely<Database>, tokenHash: string): Promise<ClientEndpoints | undefined> {
  return db.selectFrom('clients')
    .select(['token_hash as tokenHash', 'name', 'general_webhook_url as generalWebhookUrl', 'integration_webhook_url as integrationWebhookUrl'])
    .where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Sets (a string) or clears (null) each endpoint given; one left undefined stays as it is. */
export async function setClientEndpoints(
  db: Kysely<Database>, tokenHash: string, endpoints: { general?: string | null; integration?: string | null },
): Promise<void> {
  const set = {
    ...(endpoints.general !== undefined ? { general_webhook_url: endpoints.general } : {}),
    ...(endpoints.integration !== undefined ? { integration_webhook_url: endpoints.integration } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('clients').set(set).where('token_hash', '=', tokenHash).execute();
}
