// The ordered record of migrations. Append only: a migration that has run is never edited.
import type { Migration, MigrationProvider } from 'kysely';
import type { Capabilities } from '../connect.ts';
import { tenancyMigration } from './0001-tenancy.ts';
import { loyaltyProgramsMigration } from './0002-loyalty-programs.ts';
import { accountsMigration } from './0003-accounts.ts';
import { loyaltyTiersMigration } from './0004-loyalty-tiers.ts';
import { loyaltyMembershipsMigration } from './0005-loyalty-memberships.ts';
import { rateWindowsMigration } from './0006-rate-windows.ts';
import { membershipTimeIndexesMigration } from './0007-membership-time-indexes.ts';
import { pageIndexesMigration } from './0008-page-indexes.ts';
import { inactiveAccountIndexMigration } from './0009-inactive-account-index.ts';
import { chainReferencesMigration } from './0010-chain-references.ts';
import { outboxMigration } from './0011-outbox.ts';
import { integrationsMigration } from './0012-integrations.ts';
import { chainChangesMigration } from './0013-chain-changes.ts';
import { membershipReferencesMigration } from './0014-membership-references.ts';

export function migrationProvider(capabilities: Capabilities): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-tenancy': tenancyMigration(capabilities),
    '0002-loyalty-programs': loyaltyProgramsMigration(capabilities),
    '0003-accounts': accountsMigration(capabilities),
    '0004-loyalty-tiers': loyaltyTiersMigration(capabilities),
    '0005-loyalty-memberships': loyaltyMembershipsMigration(capabilities),
    '0006-rate-windows': rateWindowsMigration(capabilities),
    '0007-membership-time-indexes': membershipTimeIndexesMigration(capabilities),
    '0008-page-indexes': pageIndexesMigration(capabilities),
    '0009-inactive-account-index': inactiveAccountIndexMigration(capabilities),
    '0010-chain-references': chainReferencesMigration(capabilities),
    '0011-outbox': outboxMigration(capabilities),
    '0012-integrations': integrationsMigration(capabilities),
    '0013-chain-changes': chainChangesMigration(capabilities),
    '0014-membership-references': membershipReferencesMigration(capabilities),
  };
  return { getMigrations: async () => migrations };
}
