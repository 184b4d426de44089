// configuration/get: the subset of the published Configuration that tells an integrator who it is
// connected to (above all its ChainId). Every property the published Enterprise marks required is here.
import { Type, type Static } from 'typebox';
import { Nullable, OrNull, RequestBody, Uuid } from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

const NullableString = OrNull(Type.String());

export const Address = Type.Object(
  {
    Id: Uuid,
    Line1: NullableString,
    Line2: NullableString,
    City: NullableString,
    PostalCode: NullableString,
    CountryCode: NullableString,
    CountrySubdivisionCode: NullableString,
    Latitude: OrNull(Type.Number()),
    Longitude: OrNull(Type.Number()),
  },
  { title: 'Address' },
);

export const AcceptedCurrency = Type.Object(
  { Currency: Type.String(), IsDefault: Type.Boolean(), IsEnabled: Type.Boolean() },
  { title: 'AcceptedCurrency' },
);

export const Pricing = Type.Enum(['Gross', 'Net'], { title: 'Pricing' });

export const Enterprise = Type.Object(
  {
    Id: Uuid,
    ExternalIdentifier: NullableString,
    HoldingKey: NullableString,
    ChainId: Uuid,
    ChainName: Type.String(),
    CreatedUtc: Type.String(),
    UpdatedUtc: Type.String(),
    Name: Type.String(),
    ShortName: NullableString,
    TimeZoneIdentifier: Type.String(),
    LegalEnvironmentCode: Type.String(),
    AccommodationEnvironmentCode: Type.String(),
    AccountingEnvironmentCode: Type.String(),
    TaxEnvironmentCode: Type.String(),
    DefaultLanguageCode: Type.String(),
    EditableHistoryInterval: Type.String(),
    AccountingEditableHistoryInterval: Type.String(),
    OperationalEditableHistoryInterval: Type.String(),
    BusinessDayClosingOffset: NullableString,
    WebsiteUrl: NullableString,
    Email: NullableString,
    Phone: NullableString,
    LogoImageId: NullableString,
    CoverImageId: NullableString,
    Pricing,
    TaxPrecision: OrNull(Type.Integer()),
    AddressId: Uuid,
    Address,
    GroupNames: Type.Array(Type.String()),
    Subscription: Type.Object({ TaxIdentifier: NullableString }, { title: 'EnterpriseSubscription' }),
    Currencies: Type.Array(AcceptedCurrency),
    AccountingConfiguration: Type.Null(),
    IsPortfolio: Type.Boolean(),
  },
  { title: 'Enterprise' },
);
export type Enterprise = Static<typeof Enterprise>;

export const configurationOperations = {
  'configuration/get': defineOperation({
    example: operationExamples['configuration/get'],
    resource: 'configuration',
    action: 'get',
    writes: false,
    summary: 'Get configuration',
    // NowUtc: the answer tells the time.
    repeatable: false,
    request: RequestBody('ConfigurationGetParameters', {
      EnterpriseId: Nullable(Type.String({ format: 'uuid', description: 'Enterprise to describe; for portfolio tokens. Defaults to the token\'s enterprise.' })),
    }),
    response: Type.Object(
      {
        NowUtc: Type.String(),
        Enterprise,
        Service: Type.Null(),
        PaymentCardStorage: Type.Null(),
        IsIdentityDocumentNumberRequired: Type.Boolean(),
      },
      { title: 'Configuration' },
    ),
  }),
};
