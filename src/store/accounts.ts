// src/store: the only code that knows SQL (Kysely over SQLite or PostgreSQL), one file per table, and
// the migrations run on start.
//
// SQL for customers and companies, the accounts that loyalty memberships point at.
import { sql, type Kysely } from 'kysely';
import { storedTime, type Database } from './database.ts';
import { and, checkedOnRows, inIdList, isPostgres } from './dialect.ts';
import { matchesNothing, wherePage, whereTimeRange, type PageRequest, type StoredRange } from './pages.ts';
import { emailKey } from '../contract/email.ts';

export interface CustomerRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
  readonly firstName: string | null;
  readonly lastName: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly loyaltyCode: string | null;
  readonly activityState: string;
  readonly createdUtc: string;
  readonly updatedUtc: string;
}

export type NewCustomer = Omit<CustomerRecord, 'seq' | 'activityState' | 'createdUtc' | 'updatedUtc'>;

const customerColumns = [
  'seq', 'id', 'chain_id as chainId', 'first_name as firstName', 'last_name as lastName', 'email', 'phone',
  'loyalty_code as loyaltyCode', 'activity_state as activityState', 'created_utc as createdUtc', 'updated_utc as updatedUtc',
] as const;


/** Inserts customers in order, in chunks (a seed may bring 100,000). Returns nothing; read back by id. */
export async function insertCustomers(db: Kysely<Database>, customers: readonly NewCustomer[], now: Date): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < customers.length; start += chunk) {
    await db.insertInto('customers').values(customers.slice(start, start + chunk).map((c) => ({
      id: c.id, chain_id: c.chainId, first_name: c.firstName, last_name: c.lastName, email: c.email, email_key: emailKey(c.email),
      phone: c.phone, loyalty_code: c.loyaltyCode, activity_state: 'Active', created_utc: storedTime(now), updated_utc: storedTime(now),
    }))).execute();
  }
}

/** Overwrites the given fields of an existing customer. */
export async function updateCustomer(
  db: Kysely<Database>, id: string,
  changes: { firstName?: string | null; lastName?: string; email?: string | null; phone?: string | null; loyaltyCode?: string | null },
  now: Date,
): Promise<void> {
  await db.updateTable('customers').set({
    ...(changes.firstName !== undefined ? { first_name: changes.firstName } : {}),
    ...(changes.lastName !== undefined ? { last_name: changes.lastName } : {}),
    ...(changes.email !== undefined ? { email: changes.email, email_key: emailKey(changes.email) } : {}),
    ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
    ...(changes.loyaltyCode !== undefined ? { loyalty_code: changes.loyaltyCode } : {}),
    updated_utc: storedTime(now),
  }).where('id', '=', id).execute();
}

export async function selectCustomerById(db: Kysely<Database>, id: string): Promise<CustomerRecord | undefined> {
  return db.selectFrom('customers').select(customerColumns).where('id', '=', id).executeTakeFirst();
}

export async function selectActiveCustomerByEmail(db: Kysely<Database>, chainId: string, email: string): Promise<CustomerRecord | undefined> {
  return db.selectFrom('customers').select(customerColumns)
    .where('chain_id', '=', chainId).where('email_key', '=', emailKey(email)).where('activity_state', '=', 'Active')
    .executeTakeFirst();
}

export interface CustomerFilter {
  readonly chainIds: readonly string[];
  readonly activityStates: readonly string[];
  readonly ids?: readonly string[];
  readonly emails?: readonly string[];
  readonly firstNames?: readonly string[];
  readonly lastNames?: readonly string[];
  readonly loyaltyCodes?: readonly string[];
  readonly created?: StoredRange;
  readonly updated?: StoredRange;
}

export async function listCustomers(db: Kysely<Database>, filter: CustomerFilter, page: PageRequest): Promise<CustomerRecord[]> {
  if (matchesNothing(filter.chainIds, filter.activityStates, filter.ids, filter.emails, filter.firstNames, filter.lastNames, filter.loyaltyCodes)) return [];
  let query = db.selectFrom('customers').select(customerColumns)
    .where('chain_id', 'in', filter.chainIds).where('activity_state', 'in', filter.activityStates);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.emails) query = query.where('email_key', 'in', filter.emails.map((e) => emailKey(e)!));
  if (filter.firstNames) query = query.where('first_name', 'in', filter.firstNames);
  if (filter.lastNames) query = query.where('last_name', 'in', filter.lastNames);
  if (filter.loyaltyCodes) query = query.where('loyalty_code', 'in', filter.loyaltyCodes);
  query = whereTimeRange(query, 'created_utc', filter.created);
  query = whereTimeRange(query, 'updated_utc', filter.updated);
  return wherePage(query, page).execute();
}

export interface CompanyRecord {
  readonly seq: number;
  readonly id: string;
  readonly chainId: string;
  readonly name: string;
  readonly invoiceable: number;
  readonly addFeesToInvoices: number;
  readonly addTaxDeductedPaymentToInvoices: number;
  readonly externalIdentifier: string | null;
  readonly activityState: string;
  readonly createdUtc: string;
  readonly updatedUtc: string;
}

export interface NewCompany {
  readonly id: string;
  readonly chainId: string;
  readonly name: string;
  readonly invoiceable: boolean;
  readonly addFeesToInvoices: boolean;
  readonly addTaxDeductedPaymentToInvoices: boolean;
  readonly externalIdentifier: string | null;
}

const companyColumns = [
  'seq', 'id', 'chain_id as chainId', 'name', 'invoiceable', 'add_fees_to_invoices as addFeesToInvoices',
  'add_tax_deducted_payment_to_invoices as addTaxDeductedPaymentToInvoices', 'external_identifier as externalIdentifier',
  'activity_state as activityState', 'created_utc as createdUtc', 'updated_utc as updatedUtc',
] as const;

export async function insertCompanies(db: Kysely<Database>, companies: readonly NewCompany[], now: Date): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < companies.length; start += chunk) {
    await db.insertInto('companies').values(companies.slice(start, start + chunk).map((c) => ({
      id: c.id, chain_id: c.chainId, name: c.name, invoiceable: c.invoiceable ? 1 : 0, add_fees_to_invoices: c.addFeesToInvoices ? 1 : 0,
      add_tax_deducted_payment_to_invoices: c.addTaxDeductedPaymentToInvoices ? 1 : 0, external_identifier: c.externalIdentifier,
      activity_state: 'Active', created_utc: storedTime(now), updated_utc: storedTime(now),
    }))).execute();
  }
}

/** Overwrites a company's chain and name (a seed carries no options, so they stay as they are). */
export async function updateCompany(db: Kysely<Database>, id: string, changes: { chainId: string; name: string }, now: Date): Promise<void> {
  await db.updateTable('companies').set({ chain_id: changes.chainId, name: changes.name, updated_utc: storedTime(now) }).where('id', '=', id).execute();
}

export async function selectCompanyById(db: Kysely<Database>, id: string): Promise<CompanyRecord | undefined> {
  return db.selectFrom('companies').select(companyColumns).where('id', '=', id).executeTakeFirst();
}

export interface CompanyFilter {
  readonly chainIds: readonly string[];
  readonly activityStates: readonly string[];
  readonly ids?: readonly string[];
  readonly names?: readonly string[];
  readonly created?: StoredRange;
  readonly updated?: StoredRange;
}

export async function listCompanies(db: Kysely<Database>, filter: CompanyFilter, page: PageRequest): Promise<CompanyRecord[]> {
  if (matchesNothing(filter.chainIds, filter.activityStates, filter.ids, filter.names)) return [];
  let query = db.selectFrom('companies').select(companyColumns)
    .where('chain_id', 'in', filter.chainIds).where('activity_state', 'in', filter.activityStates);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.names) query = query.where('name', 'in', filter.names);
  query = whereTimeRange(query, 'created_utc', filter.created);
  query = whereTimeRange(query, 'updated_utc', filter.updated);
  return wherePage(query, page).execute();
}

/** Which of these ids are active customers or companies of the chain. */
export async function activeAccountIds(db: Kysely<Database>, chainId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const postgres = isPostgres(db);
  // The ids drive the lookup (their unique index); chain and state are checked on the rows found.
  const where = and([inIdList(postgres, 'id', ids), checkedOnRows(postgres, 'chain_id', chainId), checkedOnRows(postgres, 'activity_state', 'Active')]);
  const found = await sql<{ id: string }>`select id from customers where ${where} union all select id from companies where ${where}`.execute(db);
  return new Set(found.rows.map((row) => row.id));
}

/** Ids already taken by customers or companies (seed upserts skip them). */
export async function existingAccountIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const chunk = 900;
  for (let start = 0; start < ids.length; start += chunk) {
    const slice = ids.slice(start, start + chunk);
    for (const row of await db.selectFrom('customers').select('id').where('id', 'in', slice).execute()) found.add(row.id);
    for (const row of await db.selectFrom('companies').select('id').where('id', 'in', slice).execute()) found.add(row.id);
  }
  return found;
}
