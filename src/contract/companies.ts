// companies: add (one company) and getAll — the documented subset of the published companies
// operations that loyalty memberships need.
import { Type } from 'typebox';
import { ActivityStates, Limitation, Nullable, OrNull, RequestBody, StringArray, TimeInterval, Uuid, UuidArray } from './common.ts';
import { defineOperation } from './operation.ts';
import { operationExamples } from './examples.ts';

const NullableString = OrNull(Type.String());

export const CompanyOptions = Type.Object(
  { Invoiceable: Type.Boolean(), AddFeesToInvoices: Type.Boolean(), AddTaxDeductedPaymentToInvoices: Type.Boolean() },
  { title: 'CompanyOptions' },
);

export const Company = Type.Object(
  {
    Id: Uuid,
    ChainId: Uuid,
    Name: Type.String(),
    MotherCompanyId: OrNull(Uuid),
    InvoicingEmail: NullableString,
    WebsiteUrl: NullableString,
    InvoiceDueInterval: NullableString,
    Options: CompanyOptions,
    CreditRating: Type.Object({ Basic: NullableString }, { title: 'CreditRating' }),
    Department: NullableString,
    DunsNumber: NullableString,
    ReferenceIdentifier: NullableString,
    AccountingCode: NullableString,
    AdditionalTaxIdentifier: NullableString,
    BillingCode: NullableString,
    Contact: NullableString,
    ContactPerson: NullableString,
    Identifier: NullableString,
    Iata: NullableString,
    IsActive: Type.Boolean(),
    Notes: NullableString,
    Number: Type.Integer(),
    TaxIdentifier: NullableString,
    Telephone: NullableString,
    CreatedUtc: Type.String(),
    UpdatedUtc: Type.String(),
    AddressId: OrNull(Uuid),
    MergeTargetId: OrNull(Uuid),
    ExternalIdentifier: NullableString,
  },
  { title: 'Company' },
);

const CompaniesResult = Type.Object({ Companies: Type.Array(Company), Cursor: OrNull(Uuid) }, { title: 'CompanyResult' });

export const companyOperations = {
  'companies/add': defineOperation({
    example: operationExamples['companies/add'],
    resource: 'companies',
    action: 'add',
    writes: true,
    summary: 'Add company',
    request: RequestBody('CompanyAddParameters', {
      ChainId: Nullable(Type.String({ format: 'uuid', description: 'Required with a portfolio access token, ignored otherwise.' })),
      Name: Type.String({ minLength: 1, maxLength: 255 }),
      Options: CompanyOptions,
      ExternalIdentifier: Nullable(Type.String({ maxLength: 255 })),
    }),
    response: CompaniesResult,
  }),
  'companies/getAll': defineOperation({
    example: operationExamples['companies/getAll'],
    resource: 'companies',
    action: 'getAll',
    writes: false,
    summary: 'Get all companies',
    page: 'Companies',
    request: RequestBody('CompanyFilterParameters', {
      ChainIds: Nullable(UuidArray('Unique identifiers of the chains. All chains in scope when absent.')),
      Ids: Nullable(UuidArray('Unique identifiers of companies.')),
      Names: Nullable(StringArray('Names of companies.')),
      CreatedUtc: Nullable(TimeInterval),
      UpdatedUtc: Nullable(TimeInterval),
      ActivityStates: Nullable(ActivityStates),
      Limitation,
    }),
    response: CompaniesResult,
  }),
};
