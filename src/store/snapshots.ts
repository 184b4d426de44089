// The data of chains as snapshot records, for snapshots and resets. Each table is mapped here,
// column by column, by a function of its own: a column added by a later migration changes nothing
// until it is mapped (and the snapshot Version says so). Rows are read in `seq` order and replaced
// wholesale inside the caller's transaction (children deleted first, parents inserted first).
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import type { ActivityState } from '../contract/common.ts';
import type { LoyaltyMembershipState } from '../contract/loyalty-memberships.ts';
import type { LoyaltyProgramSubscription, LoyaltyProgramType } from '../contract/loyalty-programs.ts';
import { emailKey } from '../contract/email.ts';
import type { Database } from './database.ts';

type Activity = Static<typeof ActivityState>;

interface Stamped {
  readonly Id: string;
  readonly ChainId: string;
  readonly ActivityState: Activity;
  readonly CreatedUtc: string;
  readonly UpdatedUtc: string;
}

export interface CustomerEntry extends Stamped {
  readonly FirstName: string | null;
  readonly LastName: string;
  readonly Email: string | null;
  readonly Phone: string | null;
  readonly LoyaltyCode: string | null;
}

export interface CompanyEntry extends Stamped {
  readonly Name: string;
  readonly Invoiceable: boolean;
  readonly AddFeesToInvoices: boolean;
  readonly AddTaxDeductedPaymentToInvoices: boolean;
  readonly ExternalIdentifier: string | null;
}

export interface LoyaltyProgramEntry extends Stamped {
  readonly Name: string;
  readonly Code: string;
  readonly Type: Static<typeof LoyaltyProgramType>;
  readonly Subscription: Static<typeof LoyaltyProgramSubscription>;
}

export interface LoyaltyTierEntry extends Stamped {
  readonly LoyaltyProgramId: string;
  readonly Name: string;
  readonly Code: string;
  readonly Ordering: number;
}

export interface LoyaltyMembershipEntry extends Stamped {
  readonly AccountId: string;
  readonly LoyaltyProgramId: string;
  readonly LoyaltyTierId: string | null;
  readonly State: Static<typeof LoyaltyMembershipState>;
  readonly IsPrimary: boolean;
  readonly MembershipNumber: string | null;
  readonly ProviderMembershipId: string | null;
  readonly Points: number | null;
  readonly ExpirationDate: string | null;
  readonly Url: string | null;
}

/** A chain's loyalty data and accounts, parents first. */
export interface ChainData {
  readonly Customers: readonly CustomerEntry[];
  readonly Companies: readonly CompanyEntry[];
  readonly LoyaltyPrograms: readonly LoyaltyProgramEntry[];
  readonly LoyaltyTiers: readonly LoyaltyTierEntry[];
  readonly LoyaltyMemberships: readonly LoyaltyMembershipEntry[];
}

/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const insertBatch = 200;

const stamps = (row: { id: string; chain_id: string; activity_state: string; created_utc: string; updated_utc: string }) =>
  ({ Id: row.id, ChainId: row.chain_id, ActivityState: row.activity_state as Activity, CreatedUtc: row.created_utc, UpdatedUtc: row.updated_utc });

const stampColumns = (entry: Stamped) =>
  ({ id: entry.Id, chain_id: entry.ChainId, activity_state: entry.ActivityState, created_utc: entry.CreatedUtc, updated_utc: entry.UpdatedUtc });

/** Stored as 0/1 (see database.ts). */
const flag = (value: boolean) => (value ? 1 : 0);

async function inBatches<T>(entries: readonly T[], insert: (batch: readonly T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < entries.length; start += insertBatch) await insert(entries.slice(start, start + insertBatch));
}

export async function readCustomers(db: Kysely<Database>, chainIds: readonly string[]): Promise<CustomerEntry[]> {
  if (chainIds.length === 0) return [];
  const rows = await db.selectFrom('customers')
    .select(['id', 'chain_id', 'first_name', 'last_name', 'email', 'phone', 'loyalty_code', 'activity_state', 'created_utc', 'updated_utc'])
    .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
  return rows.map((row) => ({
    ...stamps(row), FirstName: row.first_name, LastName: row.last_name, Email: row.email, Phone: row.phone, LoyaltyCode: row.loyalty_code,
  }));
}

export async function insertCustomers(db: Kysely<Database>, entries: readonly CustomerEntry[]): Promise<void> {
  await inBatches(entries, (batch) => db.insertInto('customers').values(batch.map((entry) => ({
    ...stampColumns(entry), first_name: entry.FirstName, last_name: entry.LastName, email: entry.Email, email_key: emailKey(entry.Email),
    phone: entry.Phone, loyalty_code: entry.LoyaltyCode,
  }))).execute());
}

export async function readCompanies(db: Kysely<Database>, chainIds: readonly string[]): Promise<CompanyEntry[]> {
  if (chainIds.length === 0) return [];
  const rows = await db.selectFrom('companies')
    .select(['id', 'chain_id', 'name', 'invoiceable', 'add_fees_to_invoices', 'add_tax_deducted_payment_to_invoices', 'external_identifier',
      'activity_state', 'created_utc', 'updated_utc'])
    .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
  return rows.map((row) => ({
    ...stamps(row), Name: row.name, Invoiceable: Boolean(row.invoiceable), AddFeesToInvoices: Boolean(row.add_fees_to_invoices),
    AddTaxDeductedPaymentToInvoices: Boolean(row.add_tax_deducted_payment_to_invoices), ExternalIdentifier: row.external_identifier,
  }));
}

export async function insertCompanies(db: Kysely<Database>, entries: readonly CompanyEntry[]): Promise<void> {
  await inBatches(entries, (batch) => db.insertInto('companies').values(batch.map((entry) => ({
    ...stampColumns(entry), name: entry.Name, invoiceable: flag(entry.Invoiceable), add_fees_to_invoices: flag(entry.AddFeesToInvoices),
    add_tax_deducted_payment_to_invoices: flag(entry.AddTaxDeductedPaymentToInvoices), external_identifier: entry.ExternalIdentifier,
  }))).execute());
}

export async function readLoyaltyPrograms(db: Kysely<Database>, chainIds: readonly string[]): Promise<LoyaltyProgramEntry[]> {
  if (chainIds.length === 0) return [];
  const rows = await db.selectFrom('loyalty_programs')
    .select(['id', 'chain_id', 'name', 'code', 'type', 'subscription', 'activity_state', 'created_utc', 'updated_utc'])
    .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
  return rows.map((row) => ({
    ...stamps(row), Name: row.name, Code: row.code,
    Type: row.type as LoyaltyProgramEntry['Type'], Subscription: row.subscription as LoyaltyProgramEntry['Subscription'],
  }));
}

export async function insertLoyaltyPrograms(db: Kysely<Database>, entries: readonly LoyaltyProgramEntry[]): Promise<void> {
  await inBatches(entries, (batch) => db.insertInto('loyalty_programs').values(batch.map((entry) => ({
    ...stampColumns(entry), name: entry.Name, code: entry.Code, type: entry.Type, subscription: entry.Subscription,
  }))).execute());
}

export async function readLoyaltyTiers(db: Kysely<Database>, chainIds: readonly string[]): Promise<LoyaltyTierEntry[]> {
  if (chainIds.length === 0) return [];
  const rows = await db.selectFrom('loyalty_tiers')
    .select(['id', 'chain_id', 'loyalty_program_id', 'name', 'code', 'ordering', 'activity_state', 'created_utc', 'updated_utc'])
    .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
  return rows.map((row) => ({ ...stamps(row), LoyaltyProgramId: row.loyalty_program_id, Name: row.name, Code: row.code, Ordering: row.ordering }));
}

export async function insertLoyaltyTiers(db: Kysely<Database>, entries: readonly LoyaltyTierEntry[]): Promise<void> {
  await inBatches(entries, (batch) => db.insertInto('loyalty_tiers').values(batch.map((entry) => ({
    ...stampColumns(entry), loyalty_program_id: entry.LoyaltyProgramId, name: entry.Name, code: entry.Code, ordering: entry.Ordering,
  }))).execute());
}

export async function readLoyaltyMemberships(db: Kysely<Database>, chainIds: readonly string[]): Promise<LoyaltyMembershipEntry[]> {
  if (chainIds.length === 0) return [];
  const rows = await db.selectFrom('loyalty_memberships')
    .select(['id', 'chain_id', 'account_id', 'loyalty_program_id', 'loyalty_tier_id', 'state', 'is_primary', 'membership_number',
      'provider_membership_id', 'points', 'expiration_date', 'url', 'activity_state', 'created_utc', 'updated_utc'])
    .where('chain_id', 'in', chainIds).orderBy('seq', 'asc').execute();
  return rows.map((row) => ({
    ...stamps(row), AccountId: row.account_id, LoyaltyProgramId: row.loyalty_program_id, LoyaltyTierId: row.loyalty_tier_id,
    State: row.state as LoyaltyMembershipEntry['State'], IsPrimary: Boolean(row.is_primary), MembershipNumber: row.membership_number,
    ProviderMembershipId: row.provider_membership_id, Points: row.points, ExpirationDate: row.expiration_date, Url: row.url,
  }));
}

export async function insertLoyaltyMemberships(db: Kysely<Database>, entries: readonly LoyaltyMembershipEntry[]): Promise<void> {
  await inBatches(entries, (batch) => db.insertInto('loyalty_memberships').values(batch.map((entry) => ({
    ...stampColumns(entry), account_id: entry.AccountId, loyalty_program_id: entry.LoyaltyProgramId, loyalty_tier_id: entry.LoyaltyTierId,
    state: entry.State, is_primary: flag(entry.IsPrimary), membership_number: entry.MembershipNumber,
    provider_membership_id: entry.ProviderMembershipId, points: entry.Points, expiration_date: entry.ExpirationDate, url: entry.Url,
  }))).execute());
}

export async function readChainData(db: Kysely<Database>, chainIds: readonly string[]): Promise<ChainData> {
  return {
    Customers: await readCustomers(db, chainIds),
    Companies: await readCompanies(db, chainIds),
    LoyaltyPrograms: await readLoyaltyPrograms(db, chainIds),
    LoyaltyTiers: await readLoyaltyTiers(db, chainIds),
    LoyaltyMemberships: await readLoyaltyMemberships(db, chainIds),
  };
}

/** Inserts in the order given, so `seq` keeps the records' relative order (pages stay newest-first). */
export async function insertChainData(db: Kysely<Database>, data: ChainData): Promise<void> {
  await insertCustomers(db, data.Customers);
  await insertCompanies(db, data.Companies);
  await insertLoyaltyPrograms(db, data.LoyaltyPrograms);
  await insertLoyaltyTiers(db, data.LoyaltyTiers);
  await insertLoyaltyMemberships(db, data.LoyaltyMemberships);
}

export async function deleteChainData(db: Kysely<Database>, chainIds: readonly string[]): Promise<void> {
  if (chainIds.length === 0) return;
  await db.deleteFrom('loyalty_memberships').where('chain_id', 'in', chainIds).execute();
  await db.deleteFrom('loyalty_tiers').where('chain_id', 'in', chainIds).execute();
  await db.deleteFrom('loyalty_programs').where('chain_id', 'in', chainIds).execute();
  await db.deleteFrom('companies').where('chain_id', 'in', chainIds).execute();
  await db.deleteFrom('customers').where('chain_id', 'in', chainIds).execute();
}

export async function listChains(db: Kysely<Database>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('chains').select(['id', 'name']).orderBy('name').execute();
}
