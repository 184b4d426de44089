// Customers and companies of a tenancy seed. Accounts arrive with the memberships work; until then a
// seed that lists them is accepted (the format is fixed) and they are kept for that migration.
import type { SeedAccountsApplier } from '../tenancy/seed.ts';

export const applyAccountsSeed: SeedAccountsApplier = async () => {};
