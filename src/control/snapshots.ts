// Snapshots and resets of the control plane. A snapshot is the loyalty data and accounts of some
// chains as JSON (PascalCase fields, stored values); loading one replaces those chains' data in one
// transaction, after validating the whole file, references included. A reset puts chains back to
// their tenancy seed.
import type { Kysely } from 'kysely';
import { Type, type Static, type TSchema } from 'typebox';
import { ActivityState } from '../contract/common.ts';
import { LoyaltyMembershipState } from '../contract/loyalty-memberships.ts';
import { LoyaltyProgramSubscription, LoyaltyProgramType } from '../contract/loyalty-programs.ts';
import { applyAccountsSeed } from '../loyalty/accounts-seed.ts';
import { invalidParameter } from '../loyalty/errors.ts';
import type { Store } from '../store/connect.ts';
import type { Database } from '../store/database.ts';
import { isConstraintViolation } from '../store/errors.ts';
import {
  deleteChainData, insertChainData, listChains, readChainData,
  type ChainData, type CompanyEntry, type CustomerEntry, type LoyaltyMembershipEntry, type LoyaltyProgramEntry, type LoyaltyTierEntry,
} from '../store/snapshots.ts';
import type { TenancySeed } from '../tenancy/seed.ts';
import { readSnapshotBytes } from './snapshot-reader.ts';

/**
 * The snapshot format this server writes and reads. A change of the records' fields gives a new
 * Version, and the previous Version keeps loading (test/fixtures/snapshot-version-1.json).
 */
export const snapshotVersion = 1;

const Id = Type.String({ format: 'uuid' });
const Stamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', description: 'Stored time, ISO 8601 with milliseconds.' });
const Text = Type.String();
const OptionalText = Type.Union([Type.String(), Type.Null()]);
const row = <P extends Record<string, TSchema>>(title: string, properties: P) =>
  Type.Object({ Id, ChainId: Id, ...properties, ActivityState, CreatedUtc: Stamp, UpdatedUtc: Stamp }, { title, additionalProperties: false });

const SnapshotCustomer = row('SnapshotCustomer', { FirstName: OptionalText, LastName: Text, Email: OptionalText, Phone: OptionalText, LoyaltyCode: OptionalText });
const SnapshotCompany = row('SnapshotCompany', {
  Name: Text, Invoiceable: Type.Boolean(), AddFeesToInvoices: Type.Boolean(), AddTaxDeductedPaymentToInvoices: Type.Boolean(), ExternalIdentifier: OptionalText,
});
const SnapshotLoyaltyProgram = row('SnapshotLoyaltyProgram', { Name: Text, Code: Text, Type: LoyaltyProgramType, Subscription: LoyaltyProgramSubscription });
const SnapshotLoyaltyTier = row('SnapshotLoyaltyTier', { LoyaltyProgramId: Id, Name: Text, Code: Text, Ordering: Type.Integer() });
const SnapshotLoyaltyMembership = row('SnapshotLoyaltyMembership', {
  AccountId: Id, LoyaltyProgramId: Id, LoyaltyTierId: Type.Union([Id, Type.Null()]),
  State: LoyaltyMembershipState, IsPrimary: Type.Boolean(),
  MembershipNumber: OptionalText, ProviderMembershipId: OptionalText, Points: Type.Union([Type.Integer(), Type.Null()]),
  ExpirationDate: OptionalText, Url: OptionalText,
});

// The file's records are the store's entries, field for field: a mismatch is a compile error here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShapes: [
  Same<Static<typeof SnapshotCustomer>, CustomerEntry>, Same<Static<typeof SnapshotCompany>, CompanyEntry>,
  Same<Static<typeof SnapshotLoyaltyProgram>, LoyaltyProgramEntry>, Same<Static<typeof SnapshotLoyaltyTier>, LoyaltyTierEntry>,
  Same<Static<typeof SnapshotLoyaltyMembership>, LoyaltyMembershipEntry>,
] = [true, true, true, true, true];
void sameShapes;

const SnapshotHeader = Type.Object({
  Format: Type.Literal('loyalty-connector-snapshot'),
  Version: Type.Literal(snapshotVersion, { description: `This server reads Version ${snapshotVersion} files.` }),
  CreatedUtc: Type.String(),
  ChainIds: Type.Array(Id, { minItems: 1, maxItems: 10_000 }),
});

const sections = {
  Customers: SnapshotCustomer,
  Companies: SnapshotCompany,
  LoyaltyPrograms: SnapshotLoyaltyProgram,
  LoyaltyTiers: SnapshotLoyaltyTier,
  LoyaltyMemberships: SnapshotLoyaltyMembership,
} as const;

export const Snapshot = Type.Object(
  { ...SnapshotHeader.properties, ...Object.fromEntries(Object.entries(sections).map(([name, schema]) => [name, Type.Array(schema)])) as {
    [K in keyof typeof sections]: ReturnType<typeof Type.Array<(typeof sections)[K]>>;
  } },
  { title: 'Snapshot' },
);
export type Snapshot = Static<typeof SnapshotHeader> & ChainData;

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

/**
 * Runs work that replaces the data of any chains (a load, a reset) in one transaction, after locking
 * every chain: concurrent writes to those chains wait, and the work sees no half-made change.
 */
export async function withEveryChainLocked<T>(store: Pick<Store, 'db' | 'lockChains'>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    await store.lockChains(trx, await allChainIds(trx));
    return work(trx);
  });
}

export async function saveSnapshot(db: Kysely<Database>, chainIds: readonly string[] | undefined, now: Date): Promise<Snapshot> {
  const chains = chainIds ? await knownChains(db, chainIds, 'ChainId') : await allChainIds(db);
  return {
    Format: 'loyalty-connector-snapshot', Version: snapshotVersion, CreatedUtc: now.toISOString(), ChainIds: chains,
    ...await readChainData(db, chains),
  };
}

/** Parses and validates a snapshot file's bytes off the event loop (see snapshot-reader.ts). */
export function readSnapshot(bytes: Buffer): Promise<Snapshot> {
  return readSnapshotBytes<Snapshot>(bytes, SnapshotHeader, sections);
}

/**
 * Every record is of one of the snapshot's chains, and every reference stays inside the record's
 * chain: a tier's program, a membership's program, tier (of that program) and account.
 */
function refuseCrossingReferences(snapshot: Snapshot, chains: ReadonlySet<string>): void {
  const chainOf = (entry: { ChainId: string }) => entry.ChainId.toLowerCase();
  for (const name of Object.keys(sections) as (keyof typeof sections)[]) {
    snapshot[name].forEach((entry, index) => {
      if (!chains.has(chainOf(entry))) throw invalidParameter(`snapshot ${name}[${index}].ChainId`, 'not one of the snapshot ChainIds.');
    });
  }
  const byId = <T extends { Id: string }>(entries: readonly T[]) => new Map(entries.map((entry) => [entry.Id.toLowerCase(), entry]));
  const programs = byId(snapshot.LoyaltyPrograms);
  const tiers = byId(snapshot.LoyaltyTiers);
  const accounts = byId<{ Id: string; ChainId: string }>([...snapshot.Customers, ...snapshot.Companies]);
  const within = (at: string, entry: { ChainId: string }, target: { ChainId: string } | undefined, what: string) => {
    if (!target) throw invalidParameter(at, `not ${what} of the snapshot.`);
    if (chainOf(target) !== chainOf(entry)) throw invalidParameter(at, `${what} of another chain (${chainOf(target)}), not of ${chainOf(entry)}.`);
  };
  snapshot.LoyaltyTiers.forEach((tier, index) => {
    within(`snapshot LoyaltyTiers[${index}].LoyaltyProgramId`, tier, programs.get(tier.LoyaltyProgramId.toLowerCase()), 'a loyalty program');
  });
  snapshot.LoyaltyMemberships.forEach((membership, index) => {
    const at = `snapshot LoyaltyMemberships[${index}]`;
    within(`${at}.LoyaltyProgramId`, membership, programs.get(membership.LoyaltyProgramId.toLowerCase()), 'a loyalty program');
    if (membership.LoyaltyTierId !== null) {
      const tier = tiers.get(membership.LoyaltyTierId.toLowerCase());
      within(`${at}.LoyaltyTierId`, membership, tier, 'a loyalty tier');
      if (tier!.LoyaltyProgramId.toLowerCase() !== membership.LoyaltyProgramId.toLowerCase()) {
        throw invalidParameter(`${at}.LoyaltyTierId`, 'a loyalty tier of another loyalty program.');
      }
    }
    within(`${at}.AccountId`, membership, accounts.get(membership.AccountId.toLowerCase()), 'a customer or company');
  });
}

/** Replaces the data of the snapshot's chains with its records; all or nothing (in the caller's transaction). */
export async function loadSnapshot(db: Kysely<Database>, snapshot: Snapshot): Promise<{ chainIds: string[]; records: number }> {
  const chains = await knownChains(db, snapshot.ChainIds, 'snapshot ChainIds');
  refuseCrossingReferences(snapshot, new Set(chains));
  try {
    await deleteChainData(db, chains);
    await insertChainData(db, snapshot);
  } catch (error) {
    if (isConstraintViolation(error)) {
      throw invalidParameter('snapshot', 'its records break a rule of the data (a duplicate Id, two active records with one Code, or a reference to another chain).');
    }
    throw error;
  }
  const records = Object.keys(sections).reduce((sum, name) => sum + snapshot[name as keyof typeof sections].length, 0);
  return { chainIds: chains, records };
}

/** Deletes the chains' loyalty data and accounts, then writes their seed accounts again. */
export async function resetChains(db: Kysely<Database>, chainIds: readonly string[] | undefined, seeds: readonly TenancySeed[], now: Date): Promise<string[]> {
  const chains = chainIds ? await knownChains(db, chainIds, 'ChainId') : await allChainIds(db);
  await deleteChainData(db, chains);
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
