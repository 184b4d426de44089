// SQL for integrations: an access token with its state, as the control plane (the hotel) changes it.
// State changes are conditional updates (from the state read to the state written), so of two changes
// racing on one integration, on any number of instances, exactly one happens.
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export interface IntegrationRecord {
  readonly integrationId: string | null;
  readonly tokenHash: string;
  readonly tokenHint: string | null;
  readonly clientTokenHash: string;
  readonly clientName: string;
  readonly state: string;
  readonly isPortfolio: boolean;
  readonly portfolioEnterpriseId: string | null;
  readonly createdUtc: string | null;
  readonly deletedUtc: string | null;
  readonly enterprises: readonly { id: string; chainId: string; name: string }[];
}

const columns = [
  'access_tokens.integration_id as integrationId', 'access_tokens.token_hash as tokenHash', 'access_tokens.token_hint as tokenHint',
  'access_tokens.client_token_hash as clientTokenHash', 'clients.name as clientName', 'access_tokens.integration_state as state',
  'access_tokens.is_portfolio as isPortfolio', 'access_tokens.portfolio_enterprise_id as portfolioEnterpriseId',
  'access_tokens.created_utc as createdUtc', 'access_tokens.deleted_utc as deletedUtc',
] as const;

async function withEnterprises(db: Kysely<Database>, rows: readonly (Omit<IntegrationRecord, 'enterprises' | 'isPortfolio'> & { isPortfolio: number })[]): Promise<IntegrationRecord[]> {
  if (rows.length === 0) return [];
  const links = await db.selectFrom('access_token_enterprises')
    .innerJoin('enterprises', 'enterprises.id', 'access_token_enterprises.enterprise_id')
    .select(['access_token_enterprises.access_token_hash as tokenHash', 'enterprises.id as id', 'enterprises.chain_id as chainId', 'enterprises.name as name'])
    .where('access_token_enterprises.access_token_hash', 'in', rows.map((row) => row.tokenHash))
    .orderBy('enterprises.id').execute();
  return rows.map((row) => ({
    ...row, isPortfolio: row.isPortfolio === 1,
    enterprises: links.filter((link) => link.tokenHash === row.tokenHash).map(({ id, chainId, name }) => ({ id, chainId, name })),
  }));
}

export async function listIntegrations(db: Kysely<Database>): Promise<IntegrationRecord[]> {
  const rows = await db.selectFrom('access_tokens').innerJoin('clients', 'clients.token_hash', 'access_tokens.client_token_hash')
    .select(columns).orderBy('access_tokens.created_utc', 'desc').orderBy('access_tokens.token_hash').execute();
  return withEnterprises(db, rows);
}

export async function selectIntegration(db: Kysely<Database>, integrationId: string): Promise<IntegrationRecord | undefined> {
  const rows = await db.selectFrom('access_tokens').innerJoin('clients', 'clients.token_hash', 'access_tokens.client_token_hash')
    .select(columns).where('access_tokens.integration_id', '=', integrationId).execute();
  return (await withEnterprises(db, rows))[0];
}

export interface NewIntegration {
  readonly integrationId: string;
  readonly tokenHash: string;
  readonly tokenHint: string;
  readonly clientTokenHash: string;
  readonly enterpriseId: string;
}

export async function insertIntegration(db: Kysely<Database>, integration: NewIntegration, now: Date): Promise<void> {
  await db.insertInto('access_tokens').values({
    token_hash: integration.tokenHash, client_token_hash: integration.clientTokenHash, is_portfolio: 0, portfolio_enterprise_id: null,
    is_enabled: 1, integration_id: integration.integrationId, integration_state: 'Enabled', created_utc: now.toISOString(), deleted_utc: null, token_hint: integration.tokenHint,
  }).execute();
  await db.insertInto('access_token_enterprises').values({ access_token_hash: integration.tokenHash, enterprise_id: integration.enterpriseId }).execute();
}

/** Moves the integration from one state to another; false when it was no longer in `from` (a lost race). */
export async function changeIntegrationState(
  db: Kysely<Database>, tokenHash: string, from: string, to: string, deletedUtc: Date | null,
): Promise<boolean> {
  const result = await db.updateTable('access_tokens')
    .set({ integration_state: to, ...(deletedUtc ? { deleted_utc: deletedUtc.toISOString() } : {}) })
    .where('token_hash', '=', tokenHash).where('integration_state', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Replaces the integration's token: the row moves to the new hash (its enterprises with it), so the old
 * token is unknown at once. False when the old token was already replaced (a lost race).
 */
export async function replaceIntegrationToken(db: Kysely<Database>, oldHash: string, newHash: string, newHint: string): Promise<boolean> {
  const row = await db.selectFrom('access_tokens').selectAll().where('token_hash', '=', oldHash).executeTakeFirst();
  if (!row) return false;
  const links = await db.selectFrom('access_token_enterprises').select('enterprise_id').where('access_token_hash', '=', oldHash).execute();
  await db.deleteFrom('access_token_enterprises').where('access_token_hash', '=', oldHash).execute();
  const removed = await db.deleteFrom('access_tokens').where('token_hash', '=', oldHash).executeTakeFirst();
  if (Number(removed.numDeletedRows) !== 1) return false;
  await db.insertInto('access_tokens').values({ ...row, token_hash: newHash, token_hint: newHint }).execute();
  for (const link of links) await db.insertInto('access_token_enterprises').values({ access_token_hash: newHash, enterprise_id: link.enterprise_id }).execute();
  return true;
}
