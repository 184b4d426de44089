// loyaltyTiers: getAll, add, update, delete, as published (operations/loyaltytiers).
import { Type } from 'typebox';
import {
  ActivityStates, ChainIdParameter, ChainIdsFilter, EmptyResult, Limitation, Nullable, OrNull, RequestBody,
  TimeInterval, UpdateValue, Uuid, UuidArray, WriteArray,
} from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

const TierName = Type.String({ minLength: 1, maxLength: 50 });
const TierCode = Type.String({ minLength: 1, maxLength: 50 });
const Ordering = Type.Integer({ minimum: -2147483648, maximum: 2147483647, description: 'Ordering of the loyalty tier.' });

export const LoyaltyTier = Type.Object(
  { Id: Uuid, LoyaltyProgramId: Uuid, Name: Type.String(), Code: Type.String(), Ordering: Type.Integer() },
  { title: 'LoyaltyTier' },
);

const LoyaltyTiersResult = Type.Object({ LoyaltyTiers: Type.Array(LoyaltyTier) }, { title: 'LoyaltyTierResult' });

export const LoyaltyTierAddParameters = Type.Object(
  { LoyaltyProgramId: Uuid, Name: TierName, Code: TierCode, Ordering },
  { title: 'LoyaltyTierAddParameters' },
);

export const LoyaltyTierUpdateParameters = Type.Object(
  {
    LoyaltyTierId: Uuid,
    Name: UpdateValue(TierName, 'New name (or null to keep it).'),
    Code: UpdateValue(TierCode, 'New code (or null to keep it).'),
    Ordering: UpdateValue(Ordering, 'New ordering (or null to keep it).'),
  },
  { title: 'LoyaltyTierUpdateParameters' },
);

export const loyaltyTierOperations = {
  'loyaltyTiers/getAll': defineOperation({
    example: operationExamples['loyaltyTiers/getAll'],
    resource: 'loyaltyTiers',
    action: 'getAll',
    writes: false,
    summary: 'Get all loyalty tiers',
    page: 'LoyaltyTiers',
    request: RequestBody('LoyaltyTierFilterParameters', {
      ChainIds: ChainIdsFilter,
      LoyaltyProgramIds: UuidArray('Unique identifiers of loyalty programs.'),
      LoyaltyTierIds: Nullable(UuidArray('Unique identifiers of loyalty tiers.')),
      UpdatedUtc: Nullable(TimeInterval),
      ActivityStates: Nullable(ActivityStates),
      Limitation,
    }),
    response: Type.Object({ LoyaltyTiers: Type.Array(LoyaltyTier), Cursor: OrNull(Uuid) }, { title: 'LoyaltyTierResult' }),
  }),
  'loyaltyTiers/add': defineOperation({
    example: operationExamples['loyaltyTiers/add'],
    resource: 'loyaltyTiers',
    action: 'add',
    writes: true,
    summary: 'Add loyalty tiers',
    request: RequestBody('MultipleLoyaltyTierAddParameters', {
      ChainId: ChainIdParameter,
      LoyaltyTiers: WriteArray(LoyaltyTierAddParameters, 'Loyalty tiers to be added.'),
    }),
    response: LoyaltyTiersResult,
  }),
  'loyaltyTiers/update': defineOperation({
    example: operationExamples['loyaltyTiers/update'],
    resource: 'loyaltyTiers',
    action: 'update',
    writes: true,
    summary: 'Update loyalty tiers',
    request: RequestBody('MultipleLoyaltyTierUpdateParameters', {
      LoyaltyTierUpdates: WriteArray(LoyaltyTierUpdateParameters, 'Loyalty tiers to be updated.'),
    }),
    response: LoyaltyTiersResult,
  }),
  'loyaltyTiers/delete': defineOperation({
    example: operationExamples['loyaltyTiers/delete'],
    resource: 'loyaltyTiers',
    action: 'delete',
    writes: true,
    summary: 'Delete loyalty tiers',
    request: RequestBody('LoyaltyTierDeleteParameters', {
      LoyaltyTierIds: WriteArray(Uuid, 'Unique identifiers of the loyalty tiers to be deleted.'),
    }),
    response: EmptyResult,
  }),
};
