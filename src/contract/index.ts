// src/contract: the wire as data (TypeBox schemas and one declaration per operation); imports no other layer.
//
// The registry: every operation the server speaks, one line per resource.
import { companyOperations } from './companies.ts';
import { configurationOperations } from './configuration.ts';
import { customerOperations } from './customers.ts';
import { loyaltyMembershipOperations } from './loyalty-memberships.ts';
import { loyaltyProgramOperations } from './loyalty-programs.ts';
import { loyaltyTierOperations } from './loyalty-tiers.ts';

export const operations = {
  ...configurationOperations,
  ...loyaltyProgramOperations,
  ...loyaltyTierOperations,
  ...loyaltyMembershipOperations,
  ...customerOperations,
  ...companyOperations,
};

export type Operations = typeof operations;
export type OperationName = keyof Operations;
