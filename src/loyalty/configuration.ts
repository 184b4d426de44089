// configuration/get: the enterprise the token is connected to, so an integrator learns its ChainId.
// What the tenancy knows comes from it; the other required Enterprise fields come from the seed's
// profile or plain defaults.
import type { configurationOperations, Enterprise } from '../contract/configuration.ts';
import type { OperationRequest, OperationResponse } from '../contract/operation.ts';
import { selectEnterprise, type EnterpriseRecord } from '../store/tenancy.ts';
import type { OperationContext } from './context.ts';
import { internalError, invalidParameter } from './errors.ts';
import { toWireTime } from './time.ts';

type Ops = typeof configurationOperations;

const defaultProfile = {
  ExternalIdentifier: null,
  HoldingKey: null,
  ShortName: null,
  TimeZoneIdentifier: 'Etc/UTC',
  LegalEnvironmentCode: 'UK',
  AccommodationEnvironmentCode: 'UK',
  AccountingEnvironmentCode: 'UK',
  TaxEnvironmentCode: 'UK',
  DefaultLanguageCode: 'en-US',
  EditableHistoryInterval: 'P0M7DT0H0M0S',
  AccountingEditableHistoryInterval: 'P0M7DT0H0M0S',
  OperationalEditableHistoryInterval: 'P0M5DT0H0M0S',
  BusinessDayClosingOffset: null,
  WebsiteUrl: null,
  Email: null,
  Phone: null,
  LogoImageId: null,
  CoverImageId: null,
  Pricing: 'Gross',
  TaxPrecision: null,
  GroupNames: [],
  Subscription: { TaxIdentifier: null },
  Currencies: [{ Currency: 'EUR', IsDefault: true, IsEnabled: true }],
  AccountingConfiguration: null,
} as const;

const emptyAddress = {
  Line1: null, Line2: null, City: null, PostalCode: null, CountryCode: null, CountrySubdivisionCode: null, Latitude: null, Longitude: null,
};

/** A stable address id for an enterprise whose seed gives none: the enterprise id with its last block flipped. */
const derivedAddressId = (enterpriseId: string) =>
  enterpriseId.slice(0, 24) + [...enterpriseId.slice(24)].map((c) => (15 - parseInt(c, 16)).toString(16)).join('');

function toEnterprise(record: EnterpriseRecord): Enterprise {
  const profile = record.profile as Partial<Enterprise> & { Address?: Partial<Enterprise['Address']> };
  const addressId = (profile.AddressId ?? profile.Address?.Id ?? derivedAddressId(record.id)).toLowerCase();
  return {
    ...defaultProfile,
    ...profile,
    Id: record.id,
    ChainId: record.chainId,
    ChainName: record.chainName,
    Name: record.name,
    CreatedUtc: toWireTime(record.createdUtc),
    UpdatedUtc: toWireTime(record.updatedUtc),
    IsPortfolio: record.isPortfolio,
    AddressId: addressId,
    Address: { ...emptyAddress, ...profile.Address, Id: addressId },
    AccountingConfiguration: null,
  } as Enterprise;
}

export async function getConfiguration(
  { db, principal, now }: OperationContext, request: OperationRequest<Ops['configuration/get']>,
): Promise<OperationResponse<Ops['configuration/get']>> {
  const requested = request.EnterpriseId?.toLowerCase();
  let enterpriseId: string;
  if (requested !== undefined) {
    if (!principal.enterprises.some((e) => e.id === requested)) {
      throw invalidParameter('EnterpriseId', 'not an enterprise in scope of the access token.');
    }
    enterpriseId = requested;
  } else {
    enterpriseId = principal.isPortfolio && principal.portfolioEnterpriseId ? principal.portfolioEnterpriseId : principal.enterprises[0]!.id;
  }
  const record = await selectEnterprise(db, enterpriseId);
  if (!record) throw internalError(`enterprise ${enterpriseId} of the access token is missing`);
  return {
    NowUtc: toWireTime(now.toISOString()),
    Enterprise: toEnterprise(record),
    Service: null,
    PaymentCardStorage: null,
    IsIdentityDocumentNumberRequired: false,
  };
}
