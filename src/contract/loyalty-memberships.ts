// loyaltyMemberships: getAll, add, update, delete, as published (operations/loyaltymemberships),
// with the newer MembershipNumber and ProviderMembershipId and the deprecated Code kept as an alias.
import { Type } from 'typebox';
import {
  ActivityStates, ChainIdParameter, ChainIdsFilter, ClearableUpdateValue, EmptyResult, Limitation, Nullable, OrNull,
  ProfileData, RequestBody, StringArray, TimeInterval, UpdateValue, Uuid, UuidArray, WriteArray,
} from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

export const LoyaltyMembershipState = Type.Enum(['New', 'Pending', 'Enrolled', 'Canceled', 'Declined'], { title: 'LoyaltyMembershipState' });

const MembershipNumber = Type.String({ maxLength: 255, description: 'Customer-facing membership number, e.g. printed on a loyalty card.' });
const ProviderMembershipId = Type.String({ maxLength: 100, description: "Identifier in the loyalty provider's system." });
const Points = Type.Integer({ minimum: -2147483648, maximum: 2147483647, description: 'Loyalty points (an integer).' });
const ExpirationDate = Type.String({ description: 'ISO 8601 date or UTC date-time; answered as YYYY-MM-DDThh:mm:ssZ.' });

export const LoyaltyMembership = Type.Object(
  {
    Id: Uuid,
    ChainId: Uuid,
    AccountId: Uuid,
    LoyaltyProgramId: Uuid,
    State: LoyaltyMembershipState,
    IsPrimary: Type.Boolean(),
    ProviderMembershipId: OrNull(Type.String()),
    Code: OrNull(Type.String({ description: 'Deprecated alias of MembershipNumber.' })),
    MembershipNumber: OrNull(Type.String()),
    Points: OrNull(Type.Integer()),
    ExpirationDate: OrNull(Type.String()),
    Url: OrNull(Type.String()),
    LoyaltyTierId: OrNull(Uuid),
    CreatorProfile: ProfileData,
    UpdaterProfile: ProfileData,
  },
  { title: 'LoyaltyMembership' },
);

const LoyaltyMembershipsResult = Type.Object(
  { LoyaltyMemberships: Type.Array(LoyaltyMembership), Cursor: OrNull(Uuid) },
  { title: 'LoyaltyMembershipResult' },
);

export const LoyaltyMembershipAddParameters = Type.Object(
  {
    AccountId: Uuid,
    LoyaltyProgramId: Uuid,
    IsPrimary: Type.Boolean(),
    State: Nullable(LoyaltyMembershipState),
    MembershipNumber: Nullable(MembershipNumber),
    Code: Nullable(Type.String({ maxLength: 255, description: 'Deprecated alias of MembershipNumber.' })),
    Points: Nullable(Points),
    ExpirationDate: Nullable(ExpirationDate),
    Url: Nullable(Type.String()),
    LoyaltyTierId: Nullable(Uuid),
  },
  { title: 'LoyaltyMembershipAddParameters' },
);

export const LoyaltyMembershipUpdateParameters = Type.Object(
  {
    LoyaltyMembershipId: Uuid,
    LoyaltyProgramId: UpdateValue(Uuid, 'New loyalty program (or null to keep it).'),
    State: UpdateValue(LoyaltyMembershipState, 'New state (or null to keep it).'),
    IsPrimary: UpdateValue(Type.Boolean(), 'New primary flag (or null to keep it).'),
    MembershipNumber: ClearableUpdateValue(MembershipNumber, 'New membership number; Value null clears it.'),
    Code: ClearableUpdateValue(Type.String({ maxLength: 255 }), 'Deprecated alias of MembershipNumber.'),
    ProviderMembershipId: ClearableUpdateValue(ProviderMembershipId, 'New provider membership id; Value null clears it.'),
    Points: ClearableUpdateValue(Points, 'New points; Value null clears them.'),
    ExpirationDate: ClearableUpdateValue(ExpirationDate, 'New expiration date; Value null clears it.'),
    Url: ClearableUpdateValue(Type.String(), 'New URL; Value null clears it.'),
    LoyaltyTierId: ClearableUpdateValue(Uuid, 'New loyalty tier; Value null clears it.'),
  },
  { title: 'LoyaltyMembershipUpdateParameters' },
);

export const loyaltyMembershipOperations = {
  'loyaltyMemberships/getAll': defineOperation({
    example: operationExamples['loyaltyMemberships/getAll'],
    resource: 'loyaltyMemberships',
    action: 'getAll',
    writes: false,
    summary: 'Get all loyalty memberships',
    page: 'LoyaltyMemberships',
    request: RequestBody('LoyaltyMembershipFilterParameters', {
      ChainIds: ChainIdsFilter,
      LoyaltyMembershipIds: Nullable(UuidArray('Unique identifiers of loyalty memberships.')),
      LoyaltyProgramIds: Nullable(UuidArray('Unique identifiers of loyalty programs.')),
      AccountIds: Nullable(UuidArray('Unique identifiers of accounts (customers or companies).')),
      MembershipStates: Nullable(Type.Array(LoyaltyMembershipState, { maxItems: 1000 })),
      CreatedUtc: Nullable(TimeInterval),
      UpdatedUtc: Nullable(TimeInterval),
      ActivityStates: Nullable(ActivityStates),
      MembershipNumbers: Nullable(StringArray('Membership numbers.')),
      ProviderMembershipIds: Nullable(StringArray('Provider membership identifiers.')),
      Codes: Nullable(StringArray('Deprecated alias of MembershipNumbers.')),
      Limitation,
    }),
    response: LoyaltyMembershipsResult,
  }),
  'loyaltyMemberships/add': defineOperation({
    example: operationExamples['loyaltyMemberships/add'],
    resource: 'loyaltyMemberships',
    action: 'add',
    writes: true,
    summary: 'Add loyalty memberships',
    request: RequestBody('MultipleLoyaltyMembershipAddParameters', {
      ChainId: ChainIdParameter,
      LoyaltyMemberships: WriteArray(LoyaltyMembershipAddParameters, 'Loyalty memberships to be added.'),
    }),
    response: LoyaltyMembershipsResult,
  }),
  'loyaltyMemberships/update': defineOperation({
    example: operationExamples['loyaltyMemberships/update'],
    resource: 'loyaltyMemberships',
    action: 'update',
    writes: true,
    summary: 'Update loyalty memberships',
    request: RequestBody('MultipleLoyaltyMembershipUpdateParameters', {
      ChainId: ChainIdParameter,
      LoyaltyMembershipUpdates: WriteArray(LoyaltyMembershipUpdateParameters, 'Loyalty memberships to be updated.'),
    }),
    response: LoyaltyMembershipsResult,
  }),
  'loyaltyMemberships/delete': defineOperation({
    example: operationExamples['loyaltyMemberships/delete'],
    resource: 'loyaltyMemberships',
    action: 'delete',
    writes: true,
    summary: 'Delete loyalty memberships',
    request: RequestBody('LoyaltyMembershipDeleteParameters', {
      ChainId: ChainIdParameter,
      LoyaltyMembershipIds: WriteArray(Uuid, 'Unique identifiers of the loyalty memberships to be deleted.'),
    }),
    response: EmptyResult,
  }),
};
