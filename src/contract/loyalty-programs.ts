// loyaltyPrograms: getAll, add, update, delete, as published (operations/loyaltyprograms).
import { Type } from 'typebox';
import {
  ActivityStates, ChainIdParameter, ChainIdsFilter, EmptyResult, Limitation, Nullable, OrNull, RequestBody,
  StringArray, TimeInterval, UpdateValue, Uuid, UuidArray, WriteArray,
} from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

export const LoyaltyProgramType = Type.Enum(['Hotel', 'ExternalPartner', 'SoftBrand', 'Unknown'], { title: 'LoyaltyProgramType' });
export const LoyaltyProgramSubscription = Type.Enum(['Free', 'Paid'], { title: 'LoyaltyProgramSubscription' });

export const LoyaltyProgram = Type.Object(
  {
    Id: Uuid,
    ChainId: Uuid,
    Name: Type.String({ description: 'Name of the loyalty program.' }),
    Code: Type.String({ description: 'Code of the loyalty program.' }),
    Type: LoyaltyProgramType,
    Subscription: LoyaltyProgramSubscription,
  },
  { title: 'LoyaltyProgram' },
);

const LoyaltyProgramsResult = Type.Object({ LoyaltyPrograms: Type.Array(LoyaltyProgram) }, { title: 'LoyaltyProgramResult' });

export const LoyaltyProgramAddParameters = Type.Object(
  {
    Name: Type.String({ minLength: 1, maxLength: 100 }),
    Code: Type.String({ minLength: 1, maxLength: 50 }),
    Type: Nullable(LoyaltyProgramType),
    Subscription: Nullable(LoyaltyProgramSubscription),
  },
  { title: 'LoyaltyProgramAddParameters' },
);

export const LoyaltyProgramUpdateParameters = Type.Object(
  {
    LoyaltyProgramId: Uuid,
    Name: UpdateValue(Type.String({ minLength: 1, maxLength: 100 }), 'New name (or null to keep it).'),
    Type: UpdateValue(LoyaltyProgramType, 'New type (or null to keep it).'),
    Subscription: UpdateValue(LoyaltyProgramSubscription, 'New subscription (or null to keep it).'),
  },
  { title: 'LoyaltyProgramUpdateParameters' },
);

export const loyaltyProgramOperations = {
  'loyaltyPrograms/getAll': defineOperation({
    example: operationExamples['loyaltyPrograms/getAll'],
    resource: 'loyaltyPrograms',
    action: 'getAll',
    writes: false,
    summary: 'Get all loyalty programs',
    page: 'LoyaltyPrograms',
    request: RequestBody('LoyaltyProgramFilterParameters', {
      ChainIds: ChainIdsFilter,
      LoyaltyProgramIds: Nullable(UuidArray('Unique identifiers of loyalty programs.')),
      Codes: Nullable(StringArray('Codes of loyalty programs.')),
      CreatedUtc: Nullable(TimeInterval),
      UpdatedUtc: Nullable(TimeInterval),
      ActivityStates: Nullable(ActivityStates),
      Limitation,
    }),
    response: Type.Object(
      { LoyaltyPrograms: Type.Array(LoyaltyProgram), Cursor: OrNull(Uuid) },
      { title: 'LoyaltyProgramResult' },
    ),
  }),
  'loyaltyPrograms/add': defineOperation({
    example: operationExamples['loyaltyPrograms/add'],
    resource: 'loyaltyPrograms',
    action: 'add',
    writes: true,
    summary: 'Add loyalty programs',
    request: RequestBody('MultipleLoyaltyProgramAddParameters', {
      ChainId: ChainIdParameter,
      LoyaltyPrograms: WriteArray(LoyaltyProgramAddParameters, 'Loyalty programs to be added.'),
    }),
    response: LoyaltyProgramsResult,
  }),
  'loyaltyPrograms/update': defineOperation({
    example: operationExamples['loyaltyPrograms/update'],
    resource: 'loyaltyPrograms',
    action: 'update',
    writes: true,
    summary: 'Update loyalty programs',
    request: RequestBody('MultipleLoyaltyProgramUpdateParameters', {
      ChainId: ChainIdParameter,
      LoyaltyProgramUpdates: WriteArray(LoyaltyProgramUpdateParameters, 'Loyalty programs to be updated.'),
    }),
    response: LoyaltyProgramsResult,
  }),
  'loyaltyPrograms/delete': defineOperation({
    example: operationExamples['loyaltyPrograms/delete'],
    resource: 'loyaltyPrograms',
    action: 'delete',
    writes: true,
    summary: 'Delete loyalty programs',
    request: RequestBody('LoyaltyProgramDeleteParameters', {
      LoyaltyProgramIds: WriteArray(Uuid, 'Unique identifiers of the loyalty programs to be deleted.'),
    }),
    response: EmptyResult,
  }),
};
