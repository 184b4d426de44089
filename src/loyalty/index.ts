// Every operation's handler, keyed like the registry: a missing handler is a compile error.
import type { Operations } from '../contract/index.ts';
import { getConfiguration } from './configuration.ts';
import type { Handlers } from './context.ts';
import { addLoyaltyPrograms, deleteLoyaltyPrograms, getAllLoyaltyPrograms, updateLoyaltyPrograms } from './programs.ts';

export const handlers = {
  'configuration/get': getConfiguration,
  'loyaltyPrograms/getAll': getAllLoyaltyPrograms,
  'loyaltyPrograms/add': addLoyaltyPrograms,
  'loyaltyPrograms/update': updateLoyaltyPrograms,
  'loyaltyPrograms/delete': deleteLoyaltyPrograms,
} satisfies Handlers<Operations>;
