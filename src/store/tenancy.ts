// SQL for chains, enterprises, clients and access tokens: the lookups authentication makes on every
// request and the upserts a tenancy seed file makes on start.
import { sql, type Kysely } from 'kysely';
import { storedTime, type Database } from './database.ts';

export interface AccessTokenRecord {
  readonly clientTokenHash: string;
  readonly clientName: string;
  readonly clientEnabled: boolean;
  readonly tokenEnabled: boolean;
  /** Enabled, Disabled, Canceled or Deleted (the control plane's integration state). */
  readonly integrationState: string;
  readonly isPortfolio: boolean;
  readonly portfolioEnterpriseId: string | null;
  readonly enterprises: readonly { id: string; chainId: string; enabled: boolean }[];
}

export async function selectAccessToken(db: Kysely<Database>, tokenHash: string): Promise<AccessTokenRecord | undefined> {
  const token = await db
    .selectFrom('access_tokens')
    .innerJoin('clients', 'clients.token_hash', 'access_tokens.client_token_hash')
    .select([
      'access_tokens.client_token_hash as clientTokenHash',
      'access_tokens.is_portfolio as isPortfolio',
      'access_tokens.portfolio_enterprise_id as portfolioEnterpriseId',
      'access_tokens.is_enabled as tokenEnabled',
      'access_tokens.integration_state as integrationState',
      'clients.name as clientName',
      'clients.is_enabled as clientEnabled',
    ])
    .where('access_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!token) return undefined;
  const enterprises = await db
    .selectFrom('access_token_enterprises')
    .innerJoin('enterprises', 'enterprises.id', 'access_token_enterprises.enterprise_id')
    .select(['enterprises.id as id', 'enterprises.chain_id as chainId', 'enterprises.is_enabled as enabled'])
    .where('access_token_enterprises.access_token_hash', '=', tokenHash)
    .orderBy('enterprises.id')
    .execute();
  return {
    clientTokenHash: token.clientTokenHash,
    clientName: token.clientName,
    clientEnabled: token.clientEnabled === 1,
    tokenEnabled: token.tokenEnabled === 1,
    integrationState: token.integrationState,
    isPortfolio: token.isPortfolio === 1,
    portfolioEnterpriseId: token.portfolioEnterpriseId,
    enterprises: enterprises.map((e) => ({ id: e.id, chainId: e.chainId, enabled: e.enabled === 1 })),
  };
}

export interface EnterpriseRecord {
  readonly id: string;
  readonly chainId: string;
  readonly chainName: string;
  readonly name: string;
  readonly isPortfolio: boolean;
  readonly profile: Record<string, unknown>;
  readonly createdUtc: string;
  readonly updatedUtc: string;
}

export async function selectEnterprise(db: Kysely<Database>, id: string): Promise<EnterpriseRecord | undefined> {
  const row = await db
    .selectFrom('enterprises')
    .innerJoin('chains', 'chains.id', 'enterprises.chain_id')
    .select([
      'enterprises.id as id', 'enterprises.chain_id as chainId', 'chains.name as chainName', 'enterprises.name as name',
      'enterprises.is_portfolio as isPortfolio', 'enterprises.profile as profile',
      'enterprises.created_utc as createdUtc', 'enterprises.updated_utc as updatedUtc',
    ])
    .where('enterprises.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, isPortfolio: row.isPortfolio === 1, profile: JSON.parse(row.profile) as Record<string, unknown> };
}

export async function upsertChain(db: Kysely<Database>, chain: { id: string; name: string }, now: Date): Promise<void> {
  await db.insertInto('chains')
    .values({ id: chain.id, name: chain.name, created_utc: storedTime(now), updated_utc: storedTime(now) })
    .onConflict((c) => c.column('id').doUpdateSet({ name: chain.name, updated_utc: storedTime(now) }))
    .execute();
}

export async function upsertEnterprise(
  db: Kysely<Database>,
  enterprise: { id: string; chainId: string; name: string; isPortfolio: boolean; isEnabled: boolean; profile: Record<string, unknown> },
  now: Date,
): Promise<void> {
  const values = {
    chain_id: enterprise.chainId,
    name: enterprise.name,
    is_portfolio: enterprise.isPortfolio ? 1 : 0,
    is_enabled: enterprise.isEnabled ? 1 : 0,
    profile: JSON.stringify(enterprise.profile),
  };
  await db.insertInto('enterprises')
    .values({ id: enterprise.id, ...values, created_utc: storedTime(now), updated_utc: storedTime(now) })
    .onConflict((c) => c.column('id').doUpdateSet({ ...values, updated_utc: storedTime(now) }))
    .execute();
}

export async function upsertClient(
  db: Kysely<Database>,
  client: { tokenHash: string; name: string; isEnabled: boolean; generalWebhookUrl?: string | null | undefined; integrationWebhookUrl?: string | null | undefined },
): Promise<void> {
  // A webhook URL the seed leaves out stays as set through the control plane.
  const values = {
    name: client.name, is_enabled: client.isEnabled ? 1 : 0,
    ...(client.generalWebhookUrl !== undefined ? { general_webhook_url: client.generalWebhookUrl } : {}),
    ...(client.integrationWebhookUrl !== undefined ? { integration_webhook_url: client.integrationWebhookUrl } : {}),
  };
  await db.insertInto('clients')
    .values({ token_hash: client.tokenHash, ...values })
    .onConflict((c) => c.column('token_hash').doUpdateSet(values))
    .execute();
}

export async function upsertAccessToken(
  db: Kysely<Database>,
  token: {
    tokenHash: string; clientTokenHash: string; isPortfolio: boolean; isEnabled: boolean; portfolioEnterpriseId: string | null;
    enterpriseIds: readonly string[]; integrationId: string; tokenHint: string; createdUtc: string;
  },
): Promise<void> {
  // The integration's key was regenerated through the control plane: the file's old token stays retired.
  const replaced = await db.selectFrom('access_tokens').select('token_hash')
    .where('integration_id', '=', token.integrationId).where('token_hash', '<>', token.tokenHash).executeTakeFirst();
  if (replaced) return;
  const values = {
    integration_id: token.integrationId,
    token_hint: token.tokenHint,
    client_token_hash: token.clientTokenHash,
    is_portfolio: token.isPortfolio ? 1 : 0,
    is_enabled: token.isEnabled ? 1 : 0,
    portfolio_enterprise_id: token.portfolioEnterpriseId,
  };
  await db.insertInto('access_tokens')
    .values({ token_hash: token.tokenHash, ...values, created_utc: token.createdUtc })
    .onConflict((c) => c.column('token_hash').doUpdateSet(values))
    .execute();
  // The enterprise list of a token is replaced: a seed names a token's whole scope.
  await db.deleteFrom('access_token_enterprises').where('access_token_hash', '=', token.tokenHash).execute();
  for (const enterpriseId of token.enterpriseIds) {
    await db.insertInto('access_token_enterprises')
      .values({ access_token_hash: token.tokenHash, enterprise_id: enterpriseId })
      .execute();
  }
}

export async function existingEnterpriseIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('enterprises').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function existingChainIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('chains').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function existingClientHashes(db: Kysely<Database>, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db.selectFrom('clients').select('token_hash').where('token_hash', 'in', hashes).execute();
  return new Set(rows.map((r) => r.token_hash));
}

/** A token's current integration state, read on every request (a primary-key lookup). */
export async function selectIntegrationState(db: Kysely<Database>, tokenHash: string): Promise<string | undefined> {
  const row = await db.selectFrom('access_tokens').select('integration_state').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row?.integration_state;
}

/**
 * PostgreSQL: the integration's state and the change marks of its chains (migration 0013), in one
 * statement, so the answer cache's check costs a request nothing it did not already pay. The marks are
 * one text (`chain=mark,…` in chain order; '' while no chain of them has been written since the marks
 * began): equal texts, nothing of these chains written between the two readings.
 */
export async function selectIntegrationStateAndChainMarks(
  db: Kysely<Database>, tokenHash: string, chainIds: readonly string[],
): Promise<{ readonly state: string; readonly chainMarks: string } | undefined> {
  const { rows: [row] } = await sql<{ state: string; chain_marks: string | null }>`
    select integration_state as state,
      (select string_agg(chain_id || '=' || mark, ',' order by chain_id) from chain_changes where chain_id = any(${[...chainIds]}::text[])) as chain_marks
    from access_tokens where token_hash = ${tokenHash}`.execute(db);
  return row && { state: row.state, chainMarks: row.chain_marks ?? '' };
}

/** The hashes of every client and access token: what the journal compares words with to find tokens. */
export async function allTokenHashes(db: Kysely<Database>): Promise<string[]> {
  const clients = await db.selectFrom('clients').select('token_hash').execute();
  const tokens = await db.selectFrom('access_tokens').select('token_hash').execute();
  return [...clients, ...tokens].map((row) => row.token_hash);
}
