// The registry: every operation the server speaks, one line per resource.
import { configurationOperations } from './configuration.ts';
import { loyaltyProgramOperations } from './loyalty-programs.ts';

export const operations = {
  ...configurationOperations,
  ...loyaltyProgramOperations,
};

export type Operations = typeof operations;
export type OperationName = keyof Operations;
