// Customers and companies: the accounts memberships point at, as a documented subset of the
// published operations. Fields the server does not keep are answered with neutral values.
import { customerAdded, customerUpdated, recordCustomerEvents } from '../events/record.ts';
import { keptEmail } from '../contract/email.ts';
import { newRecordId } from './identifiers.ts';
import type { companyOperations } from '../contract/companies.ts';
import type { customerOperations } from '../contract/customers.ts';
import type { OperationParameters, OperationRequest, OperationResponse } from '../contract/operation.ts';
import * as store from '../store/accounts.ts';
import type { CompanyRecord, CustomerRecord } from '../store/accounts.ts';
import { recordSeq } from '../store/pages.ts';
import type { OperationContext } from './context.ts';
import { invalidParameter } from './errors.ts';
import { cursorOf, pageRequest } from './pages.ts';
import { chainForWrite, chainsForRead, normalizeIds } from './scope.ts';
import { toTimeRange, toWireTime } from './time.ts';

type CustomerOps = typeof customerOperations;
type CompanyOps = typeof companyOperations;
type Customer = OperationResponse<CustomerOps['customers/add']>;
type Company = OperationResponse<CompanyOps['companies/add']>['Companies'][number];

/** The profile every change through this API is attributed to (the published Customer requires one). */
export const integrationProfileId = '6d1b3f0e-2a4c-4b8e-9f7a-0c5e1d2b3a40';

export function toCustomer(record: CustomerRecord): Customer {
  return {
    Id: record.id,
    ChainId: record.chainId,
    Number: String(record.seq),
    Title: null,
    Sex: null,
    FirstName: record.firstName,
    LastName: record.lastName,
    SecondLastName: null,
    NationalityCode: null,
    PreferredLanguageCode: null,
    LanguageCode: null,
    BirthDate: null,
    BirthCountryCode: null,
    BirthCountrySubdivisionCode: null,
    BirthPlace: null,
    Occupation: null,
    Email: record.email,
    HasOtaEmail: false,
    Phone: record.phone,
    TaxIdentificationNumber: null,
    LoyaltyCode: record.loyaltyCode,
    AccountingCode: null,
    BillingCode: null,
    Notes: null,
    CarRegistrationNumber: null,
    DietaryRequirements: null,
    CreatedUtc: toWireTime(record.createdUtc),
    UpdatedUtc: toWireTime(record.updatedUtc),
    AddressId: null,
    Classifications: [],
    Options: [],
    ItalianDestinationCode: null,
    ItalianFiscalCode: null,
    ItalianLotteryCode: null,
    CompanyId: null,
    MergeTargetId: null,
    ActivityState: record.activityState,
    IsActive: record.activityState === 'Active',
    PreferredSpaceFeatures: [],
    CreatorProfileId: integrationProfileId,
    UpdaterProfileId: integrationProfileId,
  };
}

export function toCompany(record: CompanyRecord): Company {
  return {
    Id: record.id,
    ChainId: record.chainId,
    Name: record.name,
    MotherCompanyId: null,
    InvoicingEmail: null,
    WebsiteUrl: null,
    InvoiceDueInterval: null,
    Options: {
      Invoiceable: record.invoiceable === 1,
      AddFeesToInvoices: record.addFeesToInvoices === 1,
      AddTaxDeductedPaymentToInvoices: record.addTaxDeductedPaymentToInvoices === 1,
    },
    CreditRating: { Basic: null },
    Department: null,
    DunsNumber: null,
    ReferenceIdentifier: null,
    AccountingCode: null,
    AdditionalTaxIdentifier: null,
    BillingCode: null,
    Contact: null,
    ContactPerson: null,
    Identifier: null,
    Iata: null,
    IsActive: record.activityState === 'Active',
    Notes: null,
    Number: record.seq,
    TaxIdentifier: null,
    Telephone: null,
    CreatedUtc: toWireTime(record.createdUtc),
    UpdatedUtc: toWireTime(record.updatedUtc),
    AddressId: null,
    MergeTargetId: null,
    ExternalIdentifier: record.externalIdentifier,
  };
}

export async function addCustomer(
  { db, principal, now }: OperationContext, request: OperationParameters<CustomerOps['customers/add']>,
): Promise<OperationResponse<CustomerOps['customers/add']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const email = keptEmail(request.Email);
  if (email) {
    const existing = await store.selectActiveCustomerByEmail(db, chainId, email);
    if (existing) {
      if (!request.OverwriteExisting) {
        throw invalidParameter('Email', 'an active customer of the chain already has this email; send OverwriteExisting true to update that customer.');
      }
      await store.updateCustomer(db, existing.id, {
        lastName: request.LastName,
        ...(request.FirstName !== undefined ? { firstName: request.FirstName } : {}),
        ...(request.Phone !== undefined ? { phone: request.Phone } : {}),
        ...(request.LoyaltyCode !== undefined ? { loyaltyCode: request.LoyaltyCode } : {}),
      }, now);
      await recordCustomerEvents(db, chainId, existing.id, customerUpdated, now);
      return toCustomer((await store.selectCustomerById(db, existing.id))!);
    }
  }
  const id = newRecordId();
  await store.insertCustomers(db, [{
    id, chainId, firstName: request.FirstName ?? null, lastName: request.LastName, email,
    phone: request.Phone ?? null, loyaltyCode: request.LoyaltyCode ?? null,
  }], now);
  await recordCustomerEvents(db, chainId, id, customerAdded, now);
  return toCustomer((await store.selectCustomerById(db, id))!);
}

/** A value that changes the field: as published, a field left out, null or blank is left intact. */
const given = (value: string | null | undefined): value is string => value != null && value.trim() !== '';

export async function updateCustomer(
  { db, principal, now }: OperationContext, request: OperationParameters<CustomerOps['customers/update']>,
): Promise<OperationResponse<CustomerOps['customers/update']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const id = request.CustomerId.toLowerCase();
  const customer = await store.selectCustomerById(db, id);
  // Another chain's customer, or a deleted one, answers exactly as one that does not exist.
  if (!customer || customer.chainId !== chainId || customer.activityState !== 'Active') throw invalidParameter('CustomerId');
  const email = keptEmail(request.Email) ?? undefined;
  if (email !== undefined) {
    const holder = await store.selectActiveCustomerByEmail(db, chainId, email);
    if (holder && holder.id !== id) throw invalidParameter('Email', 'another active customer of the chain has this email.');
  }
  await store.updateCustomer(db, id, {
    ...(given(request.FirstName) ? { firstName: request.FirstName } : {}),
    ...(given(request.LastName) ? { lastName: request.LastName } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(given(request.Phone) ? { phone: request.Phone } : {}),
    ...(given(request.LoyaltyCode) ? { loyaltyCode: request.LoyaltyCode } : {}),
  }, now);
  await recordCustomerEvents(db, chainId, id, customerUpdated, now);
  return toCustomer((await store.selectCustomerById(db, id))!);
}

export async function getAllCustomers(
  { db, principal }: OperationContext, request: OperationParameters<CustomerOps['customers/getAll']>,
): Promise<OperationResponse<CustomerOps['customers/getAll']>> {
  if (principal.isPortfolio && request.ChainIds == null) throw invalidParameter('ChainIds', 'required with a portfolio access token.');
  const chainIds = chainsForRead(principal, request.ChainIds);
  const filters = [request.CustomerIds, request.Emails, request.FirstNames, request.LastNames, request.LoyaltyCodes, request.CreatedUtc, request.UpdatedUtc, request.ActivityStates];
  if (filters.every((filter) => filter == null)) throw invalidParameter('CustomerIds', 'required when no other filter is given.');
  const filter: store.CustomerFilter = {
    chainIds,
    activityStates: request.ActivityStates?.length ? request.ActivityStates : ['Active'],
    ids: request.CustomerIds ? normalizeIds(request.CustomerIds) : undefined,
    emails: request.Emails ?? undefined,
    firstNames: request.FirstNames ?? undefined,
    lastNames: request.LastNames ?? undefined,
    loyaltyCodes: request.LoyaltyCodes ?? undefined,
    created: request.CreatedUtc ? toTimeRange('CreatedUtc', request.CreatedUtc) : undefined,
    updated: request.UpdatedUtc ? toTimeRange('UpdatedUtc', request.UpdatedUtc) : undefined,
  };
  const page = await pageRequest(request.Limitation, (id) => recordSeq(db, 'customers', chainIds, id));
  const customers = (await store.listCustomers(db, filter, page)).map(toCustomer);
  // The Cursor is there even when the extent asks for no customers, as published.
  return { Customers: request.Extent.Customers ? customers : [], Documents: null, Cursor: cursorOf(customers) };
}

export async function addCompany(
  { db, principal, now }: OperationContext, request: OperationRequest<CompanyOps['companies/add']>,
): Promise<OperationResponse<CompanyOps['companies/add']>> {
  const chainId = chainForWrite(principal, request.ChainId);
  const id = newRecordId();
  await store.insertCompanies(db, [{
    id, chainId, name: request.Name, invoiceable: request.Options.Invoiceable, addFeesToInvoices: request.Options.AddFeesToInvoices,
    addTaxDeductedPaymentToInvoices: request.Options.AddTaxDeductedPaymentToInvoices, externalIdentifier: request.ExternalIdentifier ?? null,
  }], now);
  const companies = [toCompany((await store.selectCompanyById(db, id))!)];
  return { Companies: companies, Cursor: cursorOf(companies) };
}

export async function getAllCompanies(
  { db, principal }: OperationContext, request: OperationParameters<CompanyOps['companies/getAll']>,
): Promise<OperationResponse<CompanyOps['companies/getAll']>> {
  const chainIds = chainsForRead(principal, request.ChainIds);
  const filter: store.CompanyFilter = {
    chainIds,
    // Both states when absent, as published for companies.
    activityStates: request.ActivityStates?.length ? request.ActivityStates : ['Active', 'Deleted'],
    ids: request.Ids ? normalizeIds(request.Ids) : undefined,
    names: request.Names ?? undefined,
    created: request.CreatedUtc ? toTimeRange('CreatedUtc', request.CreatedUtc) : undefined,
    updated: request.UpdatedUtc ? toTimeRange('UpdatedUtc', request.UpdatedUtc) : undefined,
  };
  const page = await pageRequest(request.Limitation, (id) => recordSeq(db, 'companies', chainIds, id));
  const companies = (await store.listCompanies(db, filter, page)).map(toCompany);
  return { Companies: companies, Cursor: cursorOf(companies) };
}
