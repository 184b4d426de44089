// The tenancy seed file (docs/behaviour.md): validated whole, then applied in one transaction as an
// upsert that never deletes a record. A file that does not match is refused with the entry and
// field named, and nothing of it is applied.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import { AcceptedCurrency, Address, Pricing } from '../contract/configuration.ts';
import { firstViolation } from '../contract/schema-errors.ts';
import type { Database } from '../store/database.ts';
import * as store from '../store/tenancy.ts';
import { webhookUrlProblem } from '../contract/webhooks.ts';
import { derivedIntegrationId, tokenHint } from './integrations.ts';
import { hashToken } from './tokens.ts';

const Id = Type.String({ format: 'uuid' });
const Text = Type.String({ minLength: 1 });

/** Published Enterprise fields a seed may set for configuration/get. */
export const EnterpriseProfile = {
  ExternalIdentifier: Type.Optional(Type.String()),
  HoldingKey: Type.Optional(Type.String()),
  ShortName: Type.Optional(Type.String()),
  TimeZoneIdentifier: Type.Optional(Text),
  DefaultLanguageCode: Type.Optional(Text),
  LegalEnvironmentCode: Type.Optional(Text),
  AccommodationEnvironmentCode: Type.Optional(Text),
  AccountingEnvironmentCode: Type.Optional(Text),
  TaxEnvironmentCode: Type.Optional(Text),
  EditableHistoryInterval: Type.Optional(Text),
  AccountingEditableHistoryInterval: Type.Optional(Text),
  OperationalEditableHistoryInterval: Type.Optional(Text),
  BusinessDayClosingOffset: Type.Optional(Type.String()),
  WebsiteUrl: Type.Optional(Type.String()),
  Email: Type.Optional(Type.String()),
  Phone: Type.Optional(Type.String()),
  Pricing: Type.Optional(Pricing),
  TaxPrecision: Type.Optional(Type.Integer()),
  AddressId: Type.Optional(Id),
  Address: Type.Optional(Type.Partial(Address)),
  GroupNames: Type.Optional(Type.Array(Type.String())),
  Subscription: Type.Optional(Type.Object({ TaxIdentifier: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
  Currencies: Type.Optional(Type.Array(AcceptedCurrency)),
};

export const TenancySeed = Type.Object({
  Chains: Type.Optional(Type.Array(Type.Object({ Id, Name: Text }))),
  Enterprises: Type.Optional(Type.Array(Type.Object({
    Id, ChainId: Id, Name: Text, IsEnabled: Type.Optional(Type.Boolean()), ...EnterpriseProfile,
  }))),
  Clients: Type.Optional(Type.Array(Type.Object({
    Name: Text, ClientToken: Text, IsEnabled: Type.Optional(Type.Boolean()),
    GeneralWebhookUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])), IntegrationWebhookUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  }))),
  AccessTokens: Type.Optional(Type.Array(Type.Object({
    AccessToken: Text,
    ClientToken: Text,
    EnterpriseIds: Type.Array(Id, { minItems: 1 }),
    IsPortfolio: Type.Optional(Type.Boolean()),
    IsEnabled: Type.Optional(Type.Boolean()),
    IntegrationId: Type.Optional(Id),
  }))),
  Customers: Type.Optional(Type.Array(Type.Object({
    Id, ChainId: Id, LastName: Text,
    FirstName: Type.Optional(Type.String()), Email: Type.Optional(Type.String()), Phone: Type.Optional(Type.String()),
    LoyaltyCode: Type.Optional(Type.String()),
  }))),
  Companies: Type.Optional(Type.Array(Type.Object({ Id, ChainId: Id, Name: Text }))),
});
export type TenancySeed = Static<typeof TenancySeed>;

export class TenancySeedError extends Error {}

export function parseTenancySeed(source: string, json: string): TenancySeed {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new TenancySeedError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const violation = firstViolation(TenancySeed, value);
  if (violation) {
    throw new TenancySeedError(`${source}: ${violation.path || 'the file'} ${violation.missing ? 'is required' : violation.message}`);
  }
  return value as TenancySeed;
}

export async function readTenancySeed(path: string): Promise<TenancySeed> {
  let json: string;
  try {
    json = await readFile(path, 'utf8');
  } catch (error) {
    throw new TenancySeedError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseTenancySeed(path, json);
}

/**
 * Entries that would silently override each other (last one wins): the same chain, enterprise,
 * client token or access token listed twice. Named by position, never by token.
 */
export function findDuplicate(seed: TenancySeed): string | undefined {
  // Each list's entries have the field its key reads; the tuple cannot say so per row.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lists: [string, readonly unknown[] | undefined, string, (entry: any) => string][] = [
    ['Chains', seed.Chains, 'Id', (c) => c.Id.toLowerCase()],
    ['Enterprises', seed.Enterprises, 'Id', (e) => e.Id.toLowerCase()],
    ['Clients', seed.Clients, 'ClientToken', (c) => c.ClientToken],
    ['AccessTokens', seed.AccessTokens, 'AccessToken', (a) => a.AccessToken],
    ['Customers', seed.Customers, 'Id', (c) => c.Id.toLowerCase()],
    ['Companies', seed.Companies, 'Id', (c) => c.Id.toLowerCase()],
  ];
  for (const [name, list, field, key] of lists) {
    const first = new Map<string, number>();
    for (const [index, entry] of (list ?? []).entries()) {
      const seen = first.get(key(entry));
      if (seen !== undefined) return `${name}[${seen}] and ${name}[${index}] have the same ${field}; each may be listed once`;
      first.set(key(entry), index);
    }
  }
  return undefined;
}

/** The IsPortfolio enterprise kept for a portfolio token: a stable id derived from the token's hash. */
export function portfolioEnterpriseId(accessTokenHash: string): string {
  const hex = createHash('sha256').update(`portfolio-enterprise:${accessTokenHash}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Appliers for the account records of a seed; the accounts module adds itself here. */
export interface SeedAccountsApplier {
  (db: Kysely<Database>, seed: TenancySeed, now: Date, refuse: (message: string) => never): Promise<void>;
}

export interface SeedApplication {
  /** Writes the seed's customers and companies (they belong to the accounts module). */
  readonly applyAccounts?: SeedAccountsApplier;
  /** Keeps instances that start together from applying seeds at the same moment. */
  readonly lock?: (trx: Kysely<Database>) => Promise<void>;
}

type Refuse = (message: string) => never;
const lower = (id: string) => id.toLowerCase();

/**
 * Refuses a seed whose entries point at nothing (in the file or the database) or would move an
 * enterprise to another chain. Answers each enterprise's chain, as the file sets it.
 */
async function checkReferences(trx: Kysely<Database>, seed: TenancySeed, refuse: Refuse): Promise<Map<string, string>> {
  const chains = seed.Chains ?? [];
  const enterprises = seed.Enterprises ?? [];
  const clients = seed.Clients ?? [];
  const tokens = seed.AccessTokens ?? [];
  const integrationIds = tokens.map((t) => t.IntegrationId?.toLowerCase());
  integrationIds.forEach((id, i) => {
    if (id && integrationIds.indexOf(id) !== i) refuse(`AccessTokens[${i}].IntegrationId is the IntegrationId of AccessTokens[${integrationIds.indexOf(id)}]`);
  });
  clients.forEach((c, i) => {
    for (const field of ['GeneralWebhookUrl', 'IntegrationWebhookUrl'] as const) {
      const problem = typeof c[field] === 'string' ? webhookUrlProblem(c[field]) : undefined;
      if (problem) refuse(`Clients[${i}].${field} ${problem}`);
    }
  });
  const knownChains = new Set([...chains.map((c) => lower(c.Id)), ...await store.existingChainIds(trx, enterprises.map((e) => lower(e.ChainId)))]);
  enterprises.forEach((e, i) => {
    if (!knownChains.has(lower(e.ChainId))) refuse(`Enterprises[${i}].ChainId names a chain that is neither in the file nor in the database`);
  });
  for (const [index, enterprise] of enterprises.entries()) {
    const stored = await store.selectEnterprise(trx, lower(enterprise.Id));
    // Its tokens would start reading the other chain's data.
    if (stored && stored.chainId !== lower(enterprise.ChainId)) {
      refuse(`Enterprises[${index}] is in chain ${stored.chainId} in the database and cannot move to chain ${lower(enterprise.ChainId)}`);
    }
  }
  const enterpriseChains = new Map(enterprises.map((e) => [lower(e.Id), lower(e.ChainId)]));
  const knownEnterprises = new Set([...enterpriseChains.keys(), ...await store.existingEnterpriseIds(trx, tokens.flatMap((t) => t.EnterpriseIds.map(lower)))]);
  const knownClients = new Set([...clients.map((c) => hashToken(c.ClientToken)), ...await store.existingClientHashes(trx, tokens.map((t) => hashToken(t.ClientToken)))]);
  tokens.forEach((t, i) => {
    if (!knownClients.has(hashToken(t.ClientToken))) refuse(`AccessTokens[${i}].ClientToken names a client that is neither in the file nor in the database`);
    const unknown = t.EnterpriseIds.findIndex((id) => !knownEnterprises.has(lower(id)));
    if (unknown >= 0) refuse(`AccessTokens[${i}].EnterpriseIds[${unknown}] names an enterprise that is neither in the file nor in the database`);
    if (!t.IsPortfolio && t.EnterpriseIds.length !== 1) refuse(`AccessTokens[${i}].EnterpriseIds must have exactly one enterprise unless IsPortfolio is true`);
  });
  return enterpriseChains;
}

/** Upserts the seed's tenancy records; a portfolio token also gets its IsPortfolio enterprise. */
async function writeTenancy(trx: Kysely<Database>, seed: TenancySeed, enterpriseChains: ReadonlyMap<string, string>, now: Date): Promise<void> {
  for (const chain of seed.Chains ?? []) await store.upsertChain(trx, { id: lower(chain.Id), name: chain.Name }, now);
  for (const { Id: id, ChainId, Name, IsEnabled, ...profile } of seed.Enterprises ?? []) {
    await store.upsertEnterprise(trx, { id: lower(id), chainId: lower(ChainId), name: Name, isPortfolio: false, isEnabled: IsEnabled ?? true, profile }, now);
  }
  for (const client of seed.Clients ?? []) {
    await store.upsertClient(trx, {
      tokenHash: hashToken(client.ClientToken), name: client.Name, isEnabled: client.IsEnabled ?? true,
      generalWebhookUrl: client.GeneralWebhookUrl, integrationWebhookUrl: client.IntegrationWebhookUrl,
    });
  }
  for (const token of seed.AccessTokens ?? []) {
    const tokenHash = hashToken(token.AccessToken);
    const enterpriseIds = [...new Set(token.EnterpriseIds.map(lower))];
    let portfolioId: string | null = null;
    if (token.IsPortfolio) {
      portfolioId = portfolioEnterpriseId(tokenHash);
      const first = enterpriseIds[0]!;
      const chainId = enterpriseChains.get(first) ?? (await store.selectEnterprise(trx, first))!.chainId;
      await store.upsertEnterprise(trx, { id: portfolioId, chainId, name: 'Portfolio', isPortfolio: true, isEnabled: true, profile: {} }, now);
    }
    await store.upsertAccessToken(trx, {
      tokenHash, clientTokenHash: hashToken(token.ClientToken), isPortfolio: token.IsPortfolio ?? false,
      isEnabled: token.IsEnabled ?? true, portfolioEnterpriseId: portfolioId, enterpriseIds,
      integrationId: token.IntegrationId?.toLowerCase() ?? derivedIntegrationId(tokenHash), tokenHint: tokenHint(token.AccessToken), createdUtc: now.toISOString(),
    });
  }
}

export async function applyTenancySeed(
  db: Kysely<Database>, source: string, seed: TenancySeed, now: Date, { applyAccounts, lock }: SeedApplication = {},
): Promise<void> {
  const refuse: Refuse = (message) => {
    throw new TenancySeedError(`${source}: ${message}`);
  };
  const duplicate = findDuplicate(seed);
  if (duplicate) refuse(duplicate);
  await db.transaction().execute(async (trx) => {
    if (lock) await lock(trx);
    const enterpriseChains = await checkReferences(trx, seed, refuse);
    await writeTenancy(trx, seed, enterpriseChains, now);
    if (applyAccounts) await applyAccounts(trx, seed, now, refuse);
  });
}
