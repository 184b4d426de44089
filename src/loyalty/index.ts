// src/loyalty: the business rules, plain async functions over the store; no HTTP.
//
// Every operation's handler, keyed like the registry: a missing handler is a compile error.
import type { Operations } from '../contract/index.ts';
import { addCompany, addCustomer, getAllCompanies, getAllCustomers, updateCustomer } from './accounts.ts';
import { getConfiguration } from './configuration.ts';
import type { Handlers } from './context.ts';
import {
  addLoyaltyMemberships, deleteLoyaltyMemberships, getAllLoyaltyMemberships, updateLoyaltyMemberships,
} from './memberships.ts';
import { addLoyaltyPrograms, deleteLoyaltyPrograms, getAllLoyaltyPrograms, updateLoyaltyPrograms } from './programs.ts';
import { addLoyaltyTiers, deleteLoyaltyTiers, getAllLoyaltyTiers, updateLoyaltyTiers } from './tiers.ts';

export const handlers = {
  'configuration/get': getConfiguration,
  'loyaltyPrograms/getAll': getAllLoyaltyPrograms,
  'loyaltyPrograms/add': addLoyaltyPrograms,
  'loyaltyPrograms/update': updateLoyaltyPrograms,
  'loyaltyPrograms/delete': deleteLoyaltyPrograms,
  'loyaltyTiers/getAll': getAllLoyaltyTiers,
  'loyaltyTiers/add': addLoyaltyTiers,
  'loyaltyTiers/update': updateLoyaltyTiers,
  'loyaltyTiers/delete': deleteLoyaltyTiers,
  'loyaltyMemberships/getAll': getAllLoyaltyMemberships,
  'loyaltyMemberships/add': addLoyaltyMemberships,
  'loyaltyMemberships/update': updateLoyaltyMemberships,
  'loyaltyMemberships/delete': deleteLoyaltyMemberships,
  'customers/add': addCustomer,
  'customers/update': updateCustomer,
  'customers/getAll': getAllCustomers,
  'companies/add': addCompany,
  'companies/getAll': getAllCompanies,
} satisfies Handlers<Operations>;
