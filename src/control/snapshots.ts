// Snapshots and resets of the control plane. A snapshot is the loyalty data and accounts of some
// chains as JSON (PascalCase fields, stored values); loading one replaces those chains' data in one
// transaction, after validating the whole file. A reset puts chains back to their tenancy seed.
import type { Kysely } from 'kysely';
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { applyAccountsSeed } from '../loyalty/accounts-seed.ts';
import { invalidParameter } from '../loyalty/errors.ts';
import type { Database } from '../store/database.ts';
import { isForeignKeyViolation, isLostRace } from '../store/errors.ts';
import { chainTables, deleteChainRows, insertChainRows, listChains, readChainRows, type ChainRows, type ChainTable } from '../store/snapshots.ts';
import { describePath, type TenancySeed } from '../tenancy/seed.ts';

const Id = Type.String({ format: 'uuid' });
const Stamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', description: 'Stored time, ISO 8601 with milliseconds.' });
const Text = Type.String();
const OptionalText = Type.Union([Type.String(), Type.Null()]);
const State = Type.Enum(['Active', 'Deleted']);
const row = <P extends Record<string, TSchema>>(title: string, properties: P) =>
  Type.Object({ Id, ChainId: Id, ...properties, ActivityState: State, CreatedUtc: Stamp, UpdatedUtc: Stamp }, { title, additionalProperties: false });

export const Snapshot = Type.Object(
  {
    Format: Type.Literal('loyalty-connector-snapshot'),
    Version: Type.Literal(1),
    CreatedUtc: Type.String(),
    ChainIds: Type.Array(Id, { minItems: 1 }),
    Customers: Type.Array(row('SnapshotCustomer', { FirstName: OptionalText, LastName: Text, Email: OptionalText, Phone: OptionalText, LoyaltyCode: OptionalText })),
    Companies: Type.Array(row('SnapshotCompany', {
      Name: Text, Invoiceable: Type.Boolean(), AddFeesToInvoices: Type.Boolean(), AddTaxDeductedPaymentToInvoices: Type.Boolean(), ExternalIdentifier: OptionalText,
    })),
    LoyaltyPrograms: Type.Array(row('SnapshotLoyaltyProgram', {
      Name: Text, Code: Text, Type: Type.Enum(['Hotel', 'ExternalPartner', 'SoftBrand', 'Unknown']), Subscription: Type.Enum(['Free', 'Paid']),
    })),
    LoyaltyTiers: Type.Array(row('SnapshotLoyaltyTier', { LoyaltyProgramId: Id, Name: Text, Code: Text, Ordering: Type.Integer() })),
    LoyaltyMemberships: Type.Array(row('SnapshotLoyaltyMembership', {
      AccountId: Id, LoyaltyProgramId: Id, LoyaltyTierId: Type.Union([Id, Type.Null()]),
      State: Type.Enum(['New', 'Pending', 'Enrolled', 'Canceled', 'Declined']), IsPrimary: Type.Boolean(),
      MembershipNumber: OptionalText, ProviderMembershipId: OptionalText, Points: Type.Union([Type.Integer(), Type.Null()]),
      ExpirationDate: OptionalText, Url: OptionalText,
    })),
  },
  { title: 'Snapshot' },
);
export type Snapshot = Static<typeof Snapshot>;

const sections: Record<ChainTable, keyof Snapshot> = {
  customers: 'Customers',
  companies: 'Companies',
  loyalty_programs: 'LoyaltyPrograms',
  loyalty_tiers: 'LoyaltyTiers',
  loyalty_memberships: 'LoyaltyMemberships',
};
/** Stored as 0/1, shown as booleans. */
const booleanColumns = new Set(['is_primary', 'invoiceable', 'add_fees_to_invoices', 'add_tax_deducted_payment_to_invoices']);
/** Derived on load, not carried in the file. */
const derivedColumns = new Set(['email_key']);

const toField = (column: string) => column.split('_').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
const toColumn = (field: string) => field.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();

function toSnapshotRow(stored: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(stored)) {
    if (derivedColumns.has(column)) continue;
    entry[toField(column)] = booleanColumns.has(column) ? value === 1 || value === true : value;
  }
  return entry;
}

function toStoredRow(table: ChainTable, entry: Record<string, unknown>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(entry)) {
    const column = toColumn(field);
    stored[column] = booleanColumns.has(column) ? (value ? 1 : 0) : value;
  }
  if (table === 'customers') stored.email_key = typeof entry.Email === 'string' && entry.Email ? entry.Email.trim().toLowerCase() : null;
  return stored;
}

export async function allChainIds(db: Kysely<Database>): Promise<string[]> {
  return (await listChains(db)).map((chain) => chain.id);
}

async function knownChains(db: Kysely<Database>, chainIds: readonly string[], parameter: string): Promise<string[]> {
  const all = new Set(await allChainIds(db));
  const normalized = [...new Set(chainIds.map((id) => id.toLowerCase()))];
  const unknown = normalized.find((id) => !all.has(id));
  if (unknown) throw invalidParameter(parameter, `${unknown} is not a chain of the tenancy.`);
  return normalized;
}

export async function saveSnapshot(db: Kysely<Database>, chainIds: readonly string[] | undefined, now: Date): Promise<Snapshot> {
  const chains = chainIds ? await knownChains(db, chainIds, 'ChainId') : await allChainIds(db);
  const rows = await readChainRows(db, chains);
  const snapshot: Record<string, unknown> = {
    Format: 'loyalty-connector-snapshot', Version: 1, CreatedUtc: now.toISOString(), ChainIds: chains,
  };
  for (const table of chainTables) snapshot[sections[table]] = rows[table].map(toSnapshotRow);
  return snapshot as Snapshot;
}

/** Validates the whole file, then replaces the data of its chains; all or nothing. */
export async function loadSnapshot(db: Kysely<Database>, input: unknown): Promise<{ chainIds: string[]; records: number }> {
  const [first] = Value.Errors(Snapshot, input);
  if (first) {
    const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
    const path = describePath(first.instancePath) + (missing ? `${first.instancePath ? '.' : ''}${missing}` : '');
    throw invalidParameter(`snapshot ${path || 'file'}`.trim(), missing ? 'required.' : `${first.message}.`);
  }
  const snapshot = input as Snapshot;
  const chains = await knownChains(db, snapshot.ChainIds, 'snapshot ChainIds');
  const inScope = new Set(chains);
  const rows = {} as ChainRows;
  for (const table of chainTables) {
    const section = snapshot[sections[table]] as Record<string, unknown>[];
    section.forEach((entry, index) => {
      if (!inScope.has(String(entry.ChainId).toLowerCase())) throw invalidParameter(`snapshot ${sections[table]}[${index}].ChainId`, 'not one of the snapshot ChainIds.');
    });
    rows[table] = section.map((entry) => toStoredRow(table, entry));
  }
  const programs = new Set(snapshot.LoyaltyPrograms.map((p) => p.Id));
  const tiers = new Set(snapshot.LoyaltyTiers.map((t) => t.Id));
  const accounts = new Set([...snapshot.Customers, ...snapshot.Companies].map((a) => a.Id));
  snapshot.LoyaltyTiers.forEach((tier, index) => {
    if (!programs.has(tier.LoyaltyProgramId)) throw invalidParameter(`snapshot LoyaltyTiers[${index}].LoyaltyProgramId`, 'not a loyalty program of the snapshot.');
  });
  snapshot.LoyaltyMemberships.forEach((membership, index) => {
    const at = `snapshot LoyaltyMemberships[${index}]`;
    if (!programs.has(membership.LoyaltyProgramId)) throw invalidParameter(`${at}.LoyaltyProgramId`, 'not a loyalty program of the snapshot.');
    if (membership.LoyaltyTierId !== null && !tiers.has(membership.LoyaltyTierId)) throw invalidParameter(`${at}.LoyaltyTierId`, 'not a loyalty tier of the snapshot.');
    if (!accounts.has(membership.AccountId)) throw invalidParameter(`${at}.AccountId`, 'not a customer or company of the snapshot.');
  });
  try {
    await deleteChainRows(db, chains);
    await insertChainRows(db, rows);
  } catch (error) {
    if (isLostRace(error) || isForeignKeyViolation(error)) {
      throw invalidParameter('snapshot', 'its records break a rule of the data (a duplicate Id, two active records with one Code, or a reference to another chain).');
    }
    throw error;
  }
  return { chainIds: chains, records: chainTables.reduce((sum, table) => sum + rows[table].length, 0) };
}

/** Deletes the chains' loyalty data and accounts, then writes their seed accounts again. */
export async function resetChains(db: Kysely<Database>, chainIds: readonly string[] | undefined, seeds: readonly TenancySeed[], now: Date): Promise<string[]> {
  const chains = chainIds ? await knownChains(db, chainIds, 'ChainId') : await allChainIds(db);
  await deleteChainRows(db, chains);
  const inScope = new Set(chains);
  for (const seed of seeds) {
    const scoped: TenancySeed = {
      Customers: (seed.Customers ?? []).filter((c) => inScope.has(c.ChainId.toLowerCase())),
      Companies: (seed.Companies ?? []).filter((c) => inScope.has(c.ChainId.toLowerCase())),
    };
    await applyAccountsSeed(db, scoped, now, (message) => {
      throw invalidParameter('tenancy seed', message);
    });
  }
  return chains;
}
