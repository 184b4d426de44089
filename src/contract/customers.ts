// customers: add (one customer at the top level of the body), update and getAll — the documented
// subset of the published customers operations that loyalty memberships need. Other published fields
// are accepted and ignored.
import { Type } from 'typebox';
import { ActivityStates, Limitation, Nullable, OrNull, RequestBody, StringArray, TimeInterval, Uuid, UuidArray } from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

const NullableString = OrNull(Type.String());

export const Customer = Type.Object(
  {
    Id: Uuid,
    ChainId: Uuid,
    Number: Type.String(),
    Title: NullableString,
    Sex: NullableString,
    FirstName: NullableString,
    LastName: Type.String(),
    SecondLastName: NullableString,
    NationalityCode: NullableString,
    PreferredLanguageCode: NullableString,
    LanguageCode: NullableString,
    BirthDate: NullableString,
    BirthCountryCode: NullableString,
    BirthCountrySubdivisionCode: NullableString,
    BirthPlace: NullableString,
    Occupation: NullableString,
    Email: NullableString,
    HasOtaEmail: Type.Boolean(),
    Phone: NullableString,
    TaxIdentificationNumber: NullableString,
    LoyaltyCode: NullableString,
    AccountingCode: NullableString,
    BillingCode: NullableString,
    Notes: NullableString,
    CarRegistrationNumber: NullableString,
    DietaryRequirements: NullableString,
    CreatedUtc: Type.String(),
    UpdatedUtc: Type.String(),
    AddressId: OrNull(Uuid),
    Classifications: Type.Array(Type.String()),
    Options: Type.Array(Type.String()),
    ItalianDestinationCode: NullableString,
    ItalianFiscalCode: NullableString,
    ItalianLotteryCode: NullableString,
    CompanyId: OrNull(Uuid),
    MergeTargetId: OrNull(Uuid),
    ActivityState: Type.String(),
    IsActive: Type.Boolean(),
    PreferredSpaceFeatures: Type.Array(Type.String()),
    CreatorProfileId: Uuid,
    UpdaterProfileId: Uuid,
  },
  { title: 'Customer' },
);

const OptionalText = (maxLength?: number) => Nullable(Type.String(maxLength ? { maxLength } : {}));

export const customerOperations = {
  'customers/add': defineOperation({
    example: operationExamples['customers/add'],
    resource: 'customers',
    action: 'add',
    writes: true,
    summary: 'Add customer',
    request: RequestBody('CustomerAddParameters', {
      ChainId: Nullable(Type.String({ format: 'uuid', description: 'Required with a portfolio access token, ignored otherwise.' })),
      OverwriteExisting: Type.Boolean({ description: 'Whether an existing customer with the same Email is updated instead.' }),
      LastName: Type.String({ minLength: 1, maxLength: 255 }),
      FirstName: OptionalText(255),
      Email: OptionalText(255),
      Phone: OptionalText(255),
      LoyaltyCode: OptionalText(255),
    }),
    response: Customer,
  }),
  'customers/update': defineOperation({
    example: operationExamples['customers/update'],
    resource: 'customers',
    action: 'update',
    writes: true,
    summary: 'Update customer',
    request: RequestBody('CustomerUpdateParameters', {
      ChainId: Nullable(Type.String({ format: 'uuid', description: 'Required with a portfolio access token, ignored otherwise.' })),
      CustomerId: Type.String({ format: 'uuid', description: 'Unique identifier of the Customer to be updated.' }),
      FirstName: Nullable(Type.String({ maxLength: 255, description: 'New first name; left intact when absent, null or empty.' })),
      LastName: Nullable(Type.String({ maxLength: 255, description: 'New last name; left intact when absent, null or empty.' })),
      Email: Nullable(Type.String({ maxLength: 255, description: 'New email; refused when another active customer of the chain has it.' })),
      Phone: Nullable(Type.String({ maxLength: 255, description: 'New phone number.' })),
      LoyaltyCode: Nullable(Type.String({ maxLength: 255, description: 'New loyalty code.' })),
    }),
    response: Customer,
  }),
  'customers/getAll': defineOperation({
    example: operationExamples['customers/getAll'],
    resource: 'customers',
    action: 'getAll',
    writes: false,
    summary: 'Get all customers',
    page: 'Customers',
    request: RequestBody('CustomerFilterParameters', {
      ChainIds: Nullable(UuidArray('Unique identifiers of the chains. Required with a portfolio access token, ignored otherwise.')),
      CustomerIds: Nullable(UuidArray('Unique identifiers of customers. Required if no other filter is given.')),
      Emails: Nullable(StringArray('Emails of customers.')),
      FirstNames: Nullable(StringArray('First names of customers.')),
      LastNames: Nullable(StringArray('Last names of customers.')),
      LoyaltyCodes: Nullable(StringArray('Loyalty codes of customers.')),
      CreatedUtc: Nullable(TimeInterval),
      UpdatedUtc: Nullable(TimeInterval),
      ActivityStates: Nullable(ActivityStates),
      Extent: Type.Object(
        { Customers: Nullable(Type.Boolean()), Addresses: Nullable(Type.Boolean()), Documents: Nullable(Type.Boolean()) },
        { title: 'CustomerExtent' },
      ),
      Limitation,
    }),
    response: Type.Object(
      { Customers: Type.Array(Customer), Documents: Type.Null(), Cursor: OrNull(Uuid) },
      { title: 'CustomerResult' },
    ),
  }),
};
