// Every example of the API in one place: the request bodies the reference page pre-fills (each one
// succeeds as written against a fresh server with the built-in demo tenancy), the published examples
// beside them, the demo loyalty records those ids name, and a real error answer for each status.
import { demoAuthentication } from './common.ts';

/** Ids of the built-in demo tenancy (gross pricing chain) and of its demo loyalty records. */
export const demoIds = {
  chain: '8ddea57b-6a5c-4eec-8c4c-24467dce118e',
  enterprise: '851df8c8-90f2-4c4a-8e01-a4fc46b25178',
  /** Jane Smith: no membership yet, so the add example can enrol her. */
  customerJane: 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d',
  /** John Doe: the member of the demo membership. */
  customerJohn: '87d4c7c4-4832-4341-8b54-e45c1a73df34',
  /** The published ids, so the published examples name records that exist here too. */
  platinumClub: 'f701dafb-5765-4cf4-b1dd-1f602a740ae5',
  goldExclusiveClub: 'da34b396-41f7-47f6-8847-aecf00a3f19e',
  platinumTier: '69eedfd2-6f25-42fc-b3c8-39df70f85e37',
  silverTier: '3cad97ef-5257-4ced-8599-8e6bbd33331f',
  johnsMembership: '905a4489-0960-4ac9-96ec-793f47365c92',
} as const;

/**
 * The demo loyalty records: the published programs and tiers, and one membership. A fresh database
 * with the demo tenancy gets them (and a reset puts them back), so every update and delete example
 * has a record to act on (they are stamped with the time they are written): update Platinum Club, delete Gold Exclusive Club (it has no members),
 * update the Platinum tier, delete the Silver tier (nobody is on it), update and delete John's membership.
 */
export const demoLoyaltyRecords = {
  LoyaltyPrograms: [
    { Id: demoIds.platinumClub, ChainId: demoIds.chain, Name: 'Platinum Club', Code: 'PC01', Type: 'Hotel', Subscription: 'Free'},
    { Id: demoIds.goldExclusiveClub, ChainId: demoIds.chain, Name: 'Gold Exclusive Club', Code: 'GEC07', Type: 'ExternalPartner', Subscription: 'Paid'},
  ],
  LoyaltyTiers: [
    { Id: demoIds.platinumTier, ChainId: demoIds.chain, LoyaltyProgramId: demoIds.platinumClub, Name: 'Platinum', Code: 'P1', Ordering: 1},
    { Id: demoIds.silverTier, ChainId: demoIds.chain, LoyaltyProgramId: demoIds.platinumClub, Name: 'Silver', Code: 'S1', Ordering: 2},
  ],
  LoyaltyMemberships: [
    {
      Id: demoIds.johnsMembership, ChainId: demoIds.chain, AccountId: demoIds.customerJohn, LoyaltyProgramId: demoIds.platinumClub,
      LoyaltyTierId: demoIds.platinumTier, State: 'Enrolled', IsPrimary: true, MembershipNumber: 'MBR-2025-AX49ZT73',
      ProviderMembershipId: 'PRV-MBR-9842XKLT', Points: 22, ExpirationDate: '2029-12-24T00:00:00Z',
      Url: 'https://rewards.example.com/member/PRV-MBR-9842XKLT',
    },
  ],
} as const;

const auth = demoAuthentication;

/** What "Try it out" sends: each succeeds once, in this order, on a fresh demo server. */
export const operationExamples = {
  'configuration/get': { ...auth },
  'loyaltyPrograms/getAll': { ...auth, ActivityStates: ['Active'], Codes: ['PC01', 'GEC07'], Limitation: { Count: 100 } },
  'loyaltyPrograms/add': { ...auth, LoyaltyPrograms: [{ Name: 'Diamond Circle', Code: 'DC01', Type: 'Hotel', Subscription: 'Paid' }] },
  'loyaltyPrograms/update': { ...auth, LoyaltyProgramUpdates: [{ LoyaltyProgramId: demoIds.platinumClub, Name: { Value: 'Platinum Club Extra' }, Type: { Value: 'Hotel' }, Subscription: { Value: 'Free' } }] },
  'loyaltyPrograms/delete': { ...auth, LoyaltyProgramIds: [demoIds.goldExclusiveClub] },
  'loyaltyTiers/getAll': { ...auth, LoyaltyProgramIds: [demoIds.platinumClub], ActivityStates: ['Active'], Limitation: { Count: 100 } },
  'loyaltyTiers/add': { ...auth, LoyaltyTiers: [{ LoyaltyProgramId: demoIds.platinumClub, Name: 'Gold', Code: 'G1', Ordering: 3 }] },
  'loyaltyTiers/update': { ...auth, LoyaltyTierUpdates: [{ LoyaltyTierId: demoIds.platinumTier, Name: { Value: 'Platinum Elite' }, Ordering: { Value: 0 } }] },
  'loyaltyTiers/delete': { ...auth, LoyaltyTierIds: [demoIds.silverTier] },
  'loyaltyMemberships/getAll': { ...auth, AccountIds: [demoIds.customerJohn], MembershipStates: ['Pending', 'Enrolled'], ActivityStates: ['Active'], MembershipNumbers: ['MBR-2025-AX49ZT73'], Limitation: { Count: 100 } },
  'loyaltyMemberships/add': { ...auth, LoyaltyMemberships: [{ AccountId: demoIds.customerJane, LoyaltyProgramId: demoIds.platinumClub, LoyaltyTierId: demoIds.platinumTier, IsPrimary: true, State: 'Enrolled', MembershipNumber: 'MBR-2025-JS100042', Points: 120, ExpirationDate: '2029-12-24T00:00:00Z', Url: 'https://rewards.example.com/member/MBR-2025-JS100042' }] },
  'loyaltyMemberships/update': { ...auth, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: demoIds.johnsMembership, State: { Value: 'Canceled' }, IsPrimary: { Value: true }, Points: { Value: 42 }, ExpirationDate: { Value: '2038-01-19T03:14:07Z' }, ProviderMembershipId: { Value: 'PRV-MBR-9842XKLT' } }] },
  'loyaltyMemberships/delete': { ...auth, LoyaltyMembershipIds: [demoIds.johnsMembership] },
  'customers/add': { ...auth, FirstName: 'Thea', LastName: 'Carbone', Email: 'thea.carbone@example.com', Phone: '+420 123 456 789', LoyaltyCode: 'LL810213', OverwriteExisting: false },
  'customers/update': { ...auth, CustomerId: demoIds.customerJane, FirstName: 'Jane', LastName: 'Smith', Phone: '+44 20 7946 0958' },
  'customers/getAll': { ...auth, Extent: { Customers: true, Documents: false, Addresses: false }, LastNames: ['Doe', 'Smith'], ActivityStates: ['Active'], Limitation: { Count: 10 } },
  'companies/add': { ...auth, Name: 'Sample Company 1', Options: { Invoiceable: true, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } },
  'companies/getAll': { ...auth, Names: ['Acme Travel Ltd'], ActivityStates: ['Active'], Limitation: { Count: 10 } },
} as const satisfies Record<string, Readonly<Record<string, unknown>>>;

/**
 * The request examples of the published pages, word for word (foreign chain ids, 2022 windows): shown
 * beside ours in the reference. Against the demo tenancy some answer 2xx, others 400 or 403.
 */
export const publishedExamples: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'loyaltyPrograms/getAll': { ...auth, "ChainIds": ["3fa85f64-5717-4562-b3fc-2c963f66afa6", "5fcd1933-22f2-40b9-84da-7db04cbecec2"], "CreatedUtc": {"StartUtc": "2022-10-05T00:00:00Z", "EndUtc": "2022-10-10T00:00:00Z"}, "UpdatedUtc": {"StartUtc": "2022-10-10T00:00:00Z", "EndUtc": "2022-10-17T00:00:00Z"}, "LoyaltyProgramIds": ["f701dafb-5765-4cf4-b1dd-1f602a740ae5", "da34b396-41f7-47f6-8847-aecf00a3f19e"], "ActivityStates": ["Active"], "Codes": ["PC01", "GEC07"], "Limitation": {"Count": 100} },
  'loyaltyPrograms/add': { ...auth, "LoyaltyPrograms": [{"Name": "Platinum Club", "Code": "PC01", "Type": "Hotel", "Subscription": "Free"}], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
  'loyaltyPrograms/update': { ...auth, "LoyaltyProgramUpdates": [{"LoyaltyProgramId": "f701dafb-5765-4cf4-b1dd-1f602a740ae5", "Name": {"Value": "Platinum Club Extra"}, "Type": {"Value": "Hotel"}, "Subscription": {"Value": "Free"}}], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
  'loyaltyPrograms/delete': { ...auth, "LoyaltyProgramIds": ["f701dafb-5765-4cf4-b1dd-1f602a740ae5", "da34b396-41f7-47f6-8847-aecf00a3f19e"] },
  'loyaltyTiers/getAll': { ...auth, "ChainIds": ["3fa85f64-5717-4562-b3fc-2c963f66afa6", "5fcd1933-22f2-40b9-84da-7db04cbecec2"], "LoyaltyProgramIds": ["f701dafb-5765-4cf4-b1dd-1f602a740ae5", "da34b396-41f7-47f6-8847-aecf00a3f19e"], "LoyaltyTierIds": ["69eedfd2-6f25-42fc-b3c8-39df70f85e37", "3cad97ef-5257-4ced-8599-8e6bbd33331f"], "ActivityStates": ["Active"], "UpdatedUtc": {"StartUtc": "2022-10-10T00:00:00Z", "EndUtc": "2022-10-17T00:00:00Z"}, "Limitation": {"Count": 100} },
  'loyaltyTiers/add': { ...auth, "LoyaltyTiers": [{"LoyaltyProgramId": "f701dafb-5765-4cf4-b1dd-1f602a740ae5", "Name": "Platinum", "Code": "P1", "Ordering": 1}], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
  'loyaltyTiers/update': { ...auth, "LoyaltyTierUpdates": [{"LoyaltyTierId": "69eedfd2-6f25-42fc-b3c8-39df70f85e37", "Name": {"Value": "Platinum"}, "Code": {"Value": "P1"}, "Ordering": {"Value": 1}}] },
  'loyaltyTiers/delete': { ...auth, "LoyaltyTierIds": ["69eedfd2-6f25-42fc-b3c8-39df70f85e37", "3cad97ef-5257-4ced-8599-8e6bbd33331f"] },
  'loyaltyMemberships/getAll': { ...auth, "ChainIds": ["3fa85f64-5717-4562-b3fc-2c963f66afa6", "5fcd1933-22f2-40b9-84da-7db04cbecec2"], "CreatedUtc": {"StartUtc": "2022-10-15T00:00:00Z", "EndUtc": "2022-10-20T00:00:00Z"}, "UpdatedUtc": {"StartUtc": "2022-10-15T00:00:00Z", "EndUtc": "2022-10-20T00:00:00Z"}, "LoyaltyMembershipIds": ["905a4489-0960-4ac9-96ec-793f47365c92", "ac48674e-58a2-43d6-a02b-9ead0b213b17"], "AccountIds": ["fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "bccdafd1-3e44-439d-861f-341526b597a9"], "LoyaltyProgramIds": ["f701dafb-5765-4cf4-b1dd-1f602a740ae5", "da34b396-41f7-47f6-8847-aecf00a3f19e"], "MembershipStates": ["Pending", "Enrolled"], "ActivityStates": ["Active"], "MembershipNumbers": ["MBR-2025-AX49ZT73"], "ProviderMembershipIds": ["PRV-MBR-9842XKLT"], "Limitation": {"Count": 100} },
  'loyaltyMemberships/add': { ...auth, "LoyaltyMemberships": [{"AccountId": "fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "LoyaltyProgramId": "f701dafb-5765-4cf4-b1dd-1f602a740ae5", "IsPrimary": true, "State": "Enrolled", "MembershipNumber": "MBR-2025-AX49ZT73", "Points": 22, "ExpirationDate": "2029-12-24T00:00:00Z", "Url": "https://rewards.example.com/member/PRV-MBR-9842XKLT", "LoyaltyTierId": "69eedfd2-6f25-42fc-b3c8-39df70f85e37"}], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
  'loyaltyMemberships/update': { ...auth, "LoyaltyMembershipUpdates": [{"LoyaltyMembershipId": "905a4489-0960-4ac9-96ec-793f47365c92", "LoyaltyProgramId": {"Value": "f701dafb-5765-4cf4-b1dd-1f602a740ae5"}, "State": {"Value": "Canceled"}, "IsPrimary": {"Value": true}, "MembershipNumber": {"Value": "MBR-2025-AX49ZT73"}, "Points": {"Value": 42}, "ExpirationDate": {"Value": "2038-01-19T03:14:07Z"}, "Url": {"Value": "https://final-rewards.example.com/member/PRV-MBR-9842XKLT"}, "LoyaltyTierId": {"Value": "69eedfd2-6f25-42fc-b3c8-39df70f85e37"}}], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
  'loyaltyMemberships/delete': { ...auth, "LoyaltyMembershipIds": ["905a4489-0960-4ac9-96ec-793f47365c92", "ac48674e-58a2-43d6-a02b-9ead0b213b17"], "ChainId": "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
};

const exampleRequestId = '7b1e5c3a-4f2d-4e8b-9a61-0c2d3e4f5a6b';
const unknownProgramId = '00000000-0000-4000-8000-000000000000';

/**
 * One real error answer for each status the operations document, as the server writes it (the tests
 * provoke each and compare the Message). `Details` is left out when NODE_ENV=production.
 */
export const errorExamples: Readonly<Record<number, { summary: string; value: { Message: string; RequestId: string; Details?: string } }>> = {
  400: {
    summary: 'loyaltyPrograms/update naming a program that does not exist',
    value: {
      Message: `Invalid LoyaltyProgramId: LoyaltyProgramUpdates[0] names ${unknownProgramId}, which is not an active loyalty program of the chain.`,
      RequestId: exampleRequestId,
      Details: `LoyaltyProgramId: LoyaltyProgramUpdates[0] names ${unknownProgramId}, which is not an active loyalty program of the chain.`,
    },
  },
  401: { summary: 'A ClientToken and AccessToken that are not a valid pair', value: { Message: 'Invalid ClientToken or AccessToken: the pair of tokens is not valid.', RequestId: exampleRequestId } },
  403: {
    summary: 'loyaltyPrograms/add with the Code of an active program (PC01 of the demo tenancy)',
    value: {
      Message: "LoyaltyPrograms[0]: an active loyalty program with Code 'PC01' already exists in the chain.",
      RequestId: exampleRequestId,
      Details: "LoyaltyPrograms[0]: an active loyalty program with Code 'PC01' already exists in the chain.",
    },
  },
  408: { summary: 'Past REQUEST_TIMEOUT_MS', value: { Message: 'Request timeout: the request took too long to process. Request smaller batches or pages.', RequestId: exampleRequestId } },
  409: {
    summary: 'A concurrent write won',
    value: {
      Message: 'Conflict: the data changed while the request was processed. Refresh and resubmit.',
      RequestId: exampleRequestId,
      Details: 'A concurrent write won the race; nothing of this request was written.',
    },
  },
  413: { summary: 'A body over BODY_LIMIT (5 MB by default)', value: { Message: 'Request body too large: the limit is 5242880 bytes.', RequestId: exampleRequestId } },
  429: { summary: 'The 201st request in 30 seconds', value: { Message: 'Too many requests: retry after 30 seconds.', RequestId: exampleRequestId } },
  500: { summary: 'Anything unexpected (logged with the RequestId)', value: { Message: 'Internal server error.', RequestId: exampleRequestId } },
};
