// customers add/getAll and companies add/getAll through HTTP: the documented subset of the published
// operations that memberships point at (docs/behaviour.md "Accounts"), with tenancy (§3) and the demo
// tenancy's customers and companies (§5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { iso, steppingClock } from '../helpers/clock.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { recordsOf, type Tokens } from '../helpers/records.ts';
import { gross, grossChainId, net, netChainId, portfolio, thirdChainId, sampleClient } from '../helpers/tenancy.ts';

interface Customer {
  Id: string; ChainId: string; Number: string; FirstName: string | null; LastName: string; Email: string | null;
  Phone: string | null; LoyaltyCode: string | null; CreatedUtc: string; UpdatedUtc: string; IsActive: boolean;
  [field: string]: unknown;
}
interface Company { Id: string; ChainId: string; Name: string; Number: number; IsActive: boolean; [field: string]: unknown }

const unknownId = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const wireTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The demo tenancy's accounts (src/tenancy/demo-tenancy.json). */
const demo = {
  grossCustomers: ['fadd5bb6-b428-45d5-94f8-fd0d89fece6d', '87d4c7c4-4832-4341-8b54-e45c1a73df34'],
  netCustomers: ['bccdafd1-3e44-439d-861f-341526b597a9', '0ed43ab7-4592-4c99-906a-426588de1c00'],
  grossAcme: '424d3f6d-16f7-4184-85ce-0c50988f59c7',
  netAcme: 'b760eb1e-70fa-4e08-82fa-b337dc093b87',
};

/** Required by the published Customer. */
const requiredCustomerFields = [
  'Id', 'ChainId', 'Number', 'LastName', 'HasOtaEmail', 'CreatedUtc', 'UpdatedUtc', 'Classifications', 'Options', 'IsActive',
  'PreferredSpaceFeatures', 'CreatorProfileId', 'UpdaterProfileId',
];
/** Required by the published Company. */
const requiredCompanyFields = ['Id', 'ChainId', 'Name', 'Options', 'CreditRating', 'IsActive', 'Number'];

const noOptions = { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false };
const hour = 3_600_000;

describe.each(dialects)('accounts ($name)', (dialect) => {
  let t: TestApp;
  const clock = steppingClock();
  beforeAll(async () => { t = await startTestApp(dialect, {}, { clock: clock.now }); });
  afterAll(async () => { await t?.close(); });

  let serial = 0;
  const unique = (prefix: string) => `${prefix}${++serial}`;

  const addCustomer = (tokens: Tokens, fields: Record<string, unknown>) =>
    t.call('customers/add', { ...tokens, OverwriteExisting: false, ...fields });
  const records = recordsOf(() => t, { unique, customerPrefix: 'Last' });
  /** Adds a customer, asserting the 200. */
  const newCustomer = async (fields: Record<string, unknown> = {}, tokens: Tokens = gross) => await records.addedCustomer(fields, tokens) as Customer;
  const getCustomers = (tokens: Tokens, filter: Record<string, unknown>) =>
    t.call('customers/getAll', { ...tokens, Extent: { Customers: true }, Limitation: { Count: 1000 }, ...filter });
  const listedCustomers = async (tokens: Tokens, filter: Record<string, unknown>) => {
    const answer = await getCustomers(tokens, filter);
    expectJsonAnswer(answer, 200);
    const customers = answer.body.Customers as Customer[];
    expect(answer.body.Cursor).toBe(customers.at(-1)?.Id ?? null);
    return customers;
  };

  const addCompany = (tokens: Tokens, fields: Record<string, unknown>) => t.call('companies/add', { ...tokens, ...fields });
  const newCompany = async (fields: Record<string, unknown> = {}, tokens: Tokens = gross) => {
    const answer = await addCompany(tokens, { Name: unique('Company '), Options: noOptions, ...fields });
    expectJsonAnswer(answer, 200);
    expect(answer.body.Companies).toHaveLength(1);
    return answer.body.Companies[0] as Company;
  };
  const getCompanies = (tokens: Tokens, filter: Record<string, unknown> = {}) =>
    t.call('companies/getAll', { ...tokens, Limitation: { Count: 1000 }, ...filter });
  const listedCompanies = async (tokens: Tokens, filter: Record<string, unknown> = {}) => {
    const answer = await getCompanies(tokens, filter);
    expectJsonAnswer(answer, 200);
    const companies = answer.body.Companies as Company[];
    expect(answer.body.Cursor).toBe(companies.at(-1)?.Id ?? null);
    return companies;
  };
  const ids = (items: { Id: string }[]) => items.map((item) => item.Id);

  describe('customers/add', () => {
    it('takes one customer at the top level and answers the Customer object', async () => {
      const email = `${unique('ada')}@example.com`;
      const answer = await addCustomer(gross, {
        FirstName: 'Ada', LastName: 'Lovelace', Email: email, Phone: '+44 20 7946 0000', LoyaltyCode: 'LL-1',
      });
      expectJsonAnswer(answer, 200);
      const customer = answer.body as Customer;
      for (const field of requiredCustomerFields) expect(customer, field).toHaveProperty(field);
      expect(customer).toMatchObject({
        ChainId: grossChainId, FirstName: 'Ada', LastName: 'Lovelace', Email: email, Phone: '+44 20 7946 0000', LoyaltyCode: 'LL-1',
        IsActive: true, HasOtaEmail: false, Classifications: [], Options: [], PreferredSpaceFeatures: [],
      });
      expect(isLowercaseUuid(customer.Id)).toBe(true);
      expect(customer.Number).toMatch(/^\d{1,19}$/);
      expect(customer.CreatedUtc).toMatch(wireTime);
      expect(customer.UpdatedUtc).toMatch(wireTime);
      expect(Math.abs(Date.parse(customer.CreatedUtc) - Date.now())).toBeLessThan(60_000);
      expect(isLowercaseUuid(customer.CreatorProfileId)).toBe(true);
      expect(isLowercaseUuid(customer.UpdaterProfileId)).toBe(true);
      expect(await listedCustomers(gross, { CustomerIds: [customer.Id] })).toEqual([customer]);

      const other = await newCustomer();
      expect(other.Id).not.toBe(customer.Id);
      expect(other.Number).not.toBe(customer.Number);
      expect(other).toMatchObject({ FirstName: null, Email: null, Phone: null, LoyaltyCode: null });
    });

    it('accepts the published add example as written (other published fields are ignored)', async () => {
      const answer = await t.call('customers/add', {
        ...sampleClient,
        Title: 'Miss',
        FirstName: 'Thea',
        LastName: 'Carbone',
        BirthDate: '1985-09-30',
        BirthPlace: 'Pescara (BI)',
        Occupation: 'Giornalista',
        Email: 'thea@quotidiano.example',
        Phone: '+39 06 555 5555',
        Notes: 'Check-in notturno.',
        CarRegistrationNumber: 'AA 111AA',
        TaxIdentificationNumber: 'ZGNZLR17U72P554F',
        Address: { Line1: 'Via Antimo 474 Piano 5', City: 'Liborio laziale', PostalCode: '30228', CountryCode: 'IT', CountrySubdivisionCode: 'IT-65' },
        Classifications: ['Media', 'FriendOrFamily'],
        Options: ['SendMarketingEmails'],
        ChainId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        OverwriteExisting: false,
        ItalianDestinationCode: '7654321',
        ItalianFiscalCode: 'ZGNZLR17U72P554F',
        ItalianLotteryCode: 'AB12345',
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body).toMatchObject({ ChainId: grossChainId, FirstName: 'Thea', LastName: 'Carbone', Email: 'thea@quotidiano.example', Phone: '+39 06 555 5555', IsActive: true });
      for (const field of requiredCustomerFields) expect(answer.body, field).toHaveProperty(field);
    });

    it('requires LastName and OverwriteExisting', async () => {
      expectError(await t.call('customers/add', { ...gross, OverwriteExisting: false }), 400, 'LastName');
      expectError(await t.call('customers/add', { ...gross, LastName: '', OverwriteExisting: false }), 400, 'LastName');
      expectError(await t.call('customers/add', { ...gross, LastName: 'Nobody' }), 400, 'OverwriteExisting');
      expectError(await t.call('customers/add', { ...gross, LastName: 'Nobody', OverwriteExisting: 'no' }), 400, 'OverwriteExisting');
      // One customer at the top level, not a list.
      expectError(await t.call('customers/add', { ...gross, OverwriteExisting: false, Customers: [{ LastName: 'Nobody' }] }), 400, 'LastName');
      expect(await listedCustomers(gross, { LastNames: ['Nobody'] })).toEqual([]);
    });

    it('an email an active customer of the chain has is a 400 naming Email, unless OverwriteExisting, which updates and returns that customer', async () => {
      const email = `${unique('dup')}@example.com`;
      const original = await newCustomer({ FirstName: 'First', LastName: 'Original', Email: email });
      const refused = await addCustomer(gross, { LastName: 'Second', Email: email, OverwriteExisting: false });
      expectError(refused, 400, 'Email');
      expect(await listedCustomers(gross, { Emails: [email] })).toEqual([original]);

      const overwritten = await addCustomer(gross, { FirstName: 'Renamed', LastName: 'Overwritten', Email: email, OverwriteExisting: true });
      expectJsonAnswer(overwritten, 200);
      expect(overwritten.body).toMatchObject({ Id: original.Id, ChainId: grossChainId, Number: original.Number, FirstName: 'Renamed', LastName: 'Overwritten', Email: email });
      expect(overwritten.body.CreatedUtc).toBe(original.CreatedUtc);
      expect(Date.parse(overwritten.body.UpdatedUtc)).toBeGreaterThanOrEqual(Date.parse(original.UpdatedUtc));
      const [after, ...rest] = await listedCustomers(gross, { Emails: [email] });
      expect(rest).toEqual([]);
      expect(after).toEqual(overwritten.body);
    });

    it('the same email in another chain is fine', async () => {
      const email = `${unique('both')}@example.com`;
      const inGross = await newCustomer({ Email: email });
      const inNet = await newCustomer({ Email: email }, net);
      expect(inNet.Id).not.toBe(inGross.Id);
      expect(inNet.ChainId).toBe(netChainId);
      expect(ids(await listedCustomers(net, { Emails: [email] }))).toEqual([inNet.Id]);
      expect(ids(await listedCustomers(gross, { Emails: [email] }))).toEqual([inGross.Id]);
    });

    it('a portfolio token needs a ChainId in scope', async () => {
      expectError(await addCustomer(portfolio, { LastName: 'Port' }), 400, 'ChainId');
      expectError(await addCustomer(portfolio, { LastName: 'Port', ChainId: netChainId }), 400, 'ChainId');
      const inThird = await newCustomer({ ChainId: thirdChainId }, portfolio);
      expect(inThird.ChainId).toBe(thirdChainId);
      expect(ids(await listedCustomers(portfolio, { ChainIds: [thirdChainId], CustomerIds: [inThird.Id] }))).toEqual([inThird.Id]);
    });
  });

  describe('customers/getAll', () => {
    it('requires Extent and Limitation; with only Extent, CustomerIds is required', async () => {
      expectError(await t.call('customers/getAll', { ...gross, CustomerIds: [demo.grossCustomers[0]], Limitation: { Count: 10 } }), 400, 'Extent');
      expectError(await t.call('customers/getAll', { ...gross, CustomerIds: [demo.grossCustomers[0]], Extent: { Customers: true } }), 400, 'Limitation');
      expectError(await t.call('customers/getAll', { ...gross, Extent: { Customers: true }, Limitation: { Count: 10 } }), 400, 'CustomerIds');
      expectError(await getCustomers(gross, { CustomerIds: ['nope'] }), 400, 'CustomerIds[0]');
    });

    it('answers { Customers, Cursor } filtered by CustomerIds, newest first', async () => {
      const a = await newCustomer();
      const b = await newCustomer();
      const answer = await getCustomers(gross, { CustomerIds: [a.Id, b.Id.toUpperCase(), unknownId] });
      expectJsonAnswer(answer, 200);
      expect(answer.body.Customers).toEqual([b, a]);
      expect(answer.body.Cursor).toBe(a.Id);
      expect(await listedCustomers(gross, { CustomerIds: [unknownId] })).toEqual([]);
    });

    it('filters by Emails (case-insensitive), FirstNames, LastNames and LoyaltyCodes', async () => {
      const tag = unique('f');
      const a = await newCustomer({ FirstName: `${tag}-Ann`, LastName: `${tag}-Lee`, Email: `${tag}.ann@Example.com`, LoyaltyCode: `${tag}-L1` });
      const b = await newCustomer({ FirstName: `${tag}-Bob`, LastName: `${tag}-Lee`, Email: `${tag}.bob@example.com`, LoyaltyCode: `${tag}-L2` });
      const c = await newCustomer({ FirstName: `${tag}-Ann`, LastName: `${tag}-Ray` });
      expect(ids(await listedCustomers(gross, { Emails: [`${tag}.ANN@example.COM`] }))).toEqual([a.Id]);
      expect(ids(await listedCustomers(gross, { Emails: [`${tag}.ann@example.com`, `${tag}.bob@example.com`] }))).toEqual([b.Id, a.Id]);
      expect(ids(await listedCustomers(gross, { FirstNames: [`${tag}-Ann`] }))).toEqual([c.Id, a.Id]);
      expect(ids(await listedCustomers(gross, { LastNames: [`${tag}-Lee`] }))).toEqual([b.Id, a.Id]);
      expect(ids(await listedCustomers(gross, { LoyaltyCodes: [`${tag}-L2`] }))).toEqual([b.Id]);
      expect(ids(await listedCustomers(gross, { FirstNames: [`${tag}-Ann`], LastNames: [`${tag}-Ray`] }))).toEqual([c.Id]);
      expect(await listedCustomers(gross, { LastNames: [`${tag}-Nobody`] })).toEqual([]);
    });

    it('filters by CreatedUtc and UpdatedUtc', async () => {
      const tag = unique('time');
      const early = await newCustomer({ LastName: `${tag}-early` });
      clock.advance(5);
      const middle = clock.millis();
      clock.advance(5);
      const late = await newCustomer({ LastName: `${tag}-late`, Email: `${tag}@example.com` });
      const names = { LastNames: [`${tag}-early`, `${tag}-late`] };
      expect(ids(await listedCustomers(gross, { ...names, CreatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle + hour) } }))).toEqual([late.Id]);
      expect(ids(await listedCustomers(gross, { ...names, CreatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(middle) } }))).toEqual([early.Id]);
      clock.advance(5);
      const touched = clock.millis();
      clock.advance(5);
      const overwrite = await addCustomer(gross, { LastName: `${tag}-early`, Email: `${tag}@example.com`, OverwriteExisting: true });
      expectJsonAnswer(overwrite, 200);
      expect(overwrite.body.Id).toBe(late.Id);
      expect(ids(await listedCustomers(gross, { CustomerIds: [early.Id, late.Id], UpdatedUtc: { StartUtc: iso(touched), EndUtc: iso(touched + hour) } }))).toEqual([late.Id]);
      expect(ids(await listedCustomers(gross, { CustomerIds: [early.Id, late.Id], UpdatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(touched) } }))).toEqual([early.Id]);
      // A time filter alone is a filter: CustomerIds is not required then.
      expect(ids(await listedCustomers(gross, { CreatedUtc: { StartUtc: iso(middle), EndUtc: iso(touched) } }))).toEqual([late.Id]);
      expectError(await getCustomers(gross, { CreatedUtc: { StartUtc: iso(touched), EndUtc: iso(middle) } }), 400, 'CreatedUtc');
      expectError(await getCustomers(gross, { UpdatedUtc: { StartUtc: '2024-01-01T00:00:00Z', EndUtc: '2024-06-01T00:00:00Z' } }), 400, 'UpdatedUtc');
    });

    it('with Extent.Customers false answers no customers but still a Cursor', async () => {
      const a = await newCustomer();
      const answer = await t.call('customers/getAll', { ...gross, CustomerIds: [a.Id], Extent: { Customers: false }, Limitation: { Count: 10 } });
      expectJsonAnswer(answer, 200);
      expect(answer.body.Customers).toEqual([]);
      expect(answer.body.Cursor).toBe(a.Id);
    });

    it('pages with Limitation.Cursor', async () => {
      const tag = unique('page');
      const customers: Customer[] = [];
      for (let i = 0; i < 7; i++) customers.push(await newCustomer({ LastName: tag }));
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer = await getCustomers(gross, { LastNames: [tag], Limitation: { Count: 3, Cursor: cursor } });
        expectJsonAnswer(answer, 200);
        const pageIds = ids(answer.body.Customers);
        expect(answer.body.Cursor).toBe(pageIds.at(-1) ?? null);
        if (pageIds.length === 0) break;
        seen.push(...pageIds);
        cursor = answer.body.Cursor;
      }
      expect(seen).toEqual(ids(customers).reverse());
    });

    it('a portfolio token needs ChainIds, inside its scope', async () => {
      const inGross = await newCustomer({ ChainId: grossChainId }, portfolio);
      expectError(await getCustomers(portfolio, { CustomerIds: [inGross.Id] }), 400, 'ChainIds');
      expectError(await getCustomers(portfolio, { CustomerIds: [inGross.Id], ChainIds: [netChainId] }), 400, 'ChainIds');
      expect(ids(await listedCustomers(portfolio, { CustomerIds: [inGross.Id], ChainIds: [grossChainId] }))).toEqual([inGross.Id]);
      expect(await listedCustomers(portfolio, { CustomerIds: [inGross.Id], ChainIds: [thirdChainId] })).toEqual([]);
    });
  });

  describe('companies/add', () => {
    it('takes one company and answers { Companies: [company] }', async () => {
      const options = { Invoiceable: true, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: true };
      const name = unique('Initrode ');
      const answer = await addCompany(gross, { Name: name, Options: options });
      expectJsonAnswer(answer, 200);
      expect(answer.body.Companies).toHaveLength(1);
      const company = answer.body.Companies[0] as Company;
      for (const field of requiredCompanyFields) expect(company, field).toHaveProperty(field);
      expect(company).toMatchObject({ ChainId: grossChainId, Name: name, Options: options, CreditRating: { Basic: null }, IsActive: true });
      expect(isLowercaseUuid(company.Id)).toBe(true);
      expect(Number.isInteger(company.Number)).toBe(true);
      expect(await listedCompanies(gross, { Ids: [company.Id] })).toEqual([company]);
      const other = await newCompany();
      expect(other.Number).not.toBe(company.Number);
    });

    // The published example omits Options.AddTaxDeductedPaymentToInvoices, which the published table
    // marks required; the server follows the table, so the example is sent with it added.
    it('accepts the published add example (other published fields are ignored)', async () => {
      const answer = await t.call('companies/add', {
        ...sampleClient,
        ChainId: '1df21f06-0cfc-4960-9c58-a3bf1261663e',
        Name: 'Mews',
        Options: { Invoiceable: true, AddFeesToInvoices: true, AddTaxDeductedPaymentToInvoices: false },
        MotherCompanyId: null,
        Identifier: null,
        TaxIdentifier: null,
        AdditionalTaxIdentifier: null,
        BillingCode: null,
        AccountingCode: null,
        Address: null,
        InvoiceDueInterval: 'P2DT23H',
        Telephone: '111-222-333',
        ContacPerson: 'SamplePerson',
        Contact: 'ContactInfo',
        Notes: 'Note1',
        Iata: 'PAO',
        Department: 'Sales',
        DunsNumber: '987654321',
        CreditRating: { Basic: 'CreditOk' },
        ExternalIdentifier: '1234',
        ReferenceIdentifier: 'a58ff7cb-77e3-495a-bd61-aecf00a3f19d',
        WebsiteUrl: 'https://www.mews.com',
      });
      expectJsonAnswer(answer, 200);
      expect(answer.body.Companies[0]).toMatchObject({ ChainId: grossChainId, Name: 'Mews', IsActive: true });
      expect(answer.body.Companies[0].Options).toMatchObject({ Invoiceable: true, AddFeesToInvoices: true });
    });

    it('requires Name and Options', async () => {
      expectError(await addCompany(gross, { Options: noOptions }), 400, 'Name');
      expectError(await addCompany(gross, { Name: '', Options: noOptions }), 400, 'Name');
      expectError(await addCompany(gross, { Name: 'No options' }), 400, 'Options');
      expect(await listedCompanies(gross, { Names: ['No options'] })).toEqual([]);
    });

    it('a portfolio token needs a ChainId in scope', async () => {
      expectError(await addCompany(portfolio, { Name: 'Port', Options: noOptions }), 400, 'ChainId');
      expectError(await addCompany(portfolio, { Name: 'Port', Options: noOptions, ChainId: netChainId }), 400, 'ChainId');
      const inThird = await newCompany({ ChainId: thirdChainId }, portfolio);
      expect(inThird.ChainId).toBe(thirdChainId);
    });
  });

  describe('companies/getAll', () => {
    it('filters by Ids and Names, newest first', async () => {
      const tag = unique('co');
      const a = await newCompany({ Name: `${tag} Alpha` });
      const b = await newCompany({ Name: `${tag} Beta` });
      const c = await newCompany({ Name: `${tag} Alpha` });
      expect(ids(await listedCompanies(gross, { Ids: [a.Id, b.Id.toUpperCase()] }))).toEqual([b.Id, a.Id]);
      expect(ids(await listedCompanies(gross, { Names: [`${tag} Alpha`] }))).toEqual([c.Id, a.Id]);
      expect(ids(await listedCompanies(gross, { Names: [`${tag} Alpha`], Ids: [a.Id, b.Id] }))).toEqual([a.Id]);
      expect(await listedCompanies(gross, { Ids: [unknownId] })).toEqual([]);
      expectError(await getCompanies(gross, { Ids: ['nope'] }), 400, 'Ids[0]');
      expectError(await t.call('companies/getAll', { ...gross, Ids: [a.Id] }), 400, 'Limitation');
    });

    it('filters by CreatedUtc, UpdatedUtc and ActivityStates (both states when absent)', async () => {
      const tag = unique('cot');
      const early = await newCompany({ Name: `${tag} early` });
      clock.advance(5);
      const middle = clock.millis();
      clock.advance(5);
      const late = await newCompany({ Name: `${tag} late` });
      const names = { Names: [`${tag} early`, `${tag} late`] };
      expect(ids(await listedCompanies(gross, { ...names, CreatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle + hour) } }))).toEqual([late.Id]);
      expect(ids(await listedCompanies(gross, { ...names, CreatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(middle) } }))).toEqual([early.Id]);
      expect(ids(await listedCompanies(gross, { ...names, UpdatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle + hour) } }))).toEqual([late.Id]);
      expect(ids(await listedCompanies(gross, { ...names, UpdatedUtc: { StartUtc: iso(middle - hour), EndUtc: iso(middle) } }))).toEqual([early.Id]);
      expect(ids(await listedCompanies(gross, names))).toEqual([late.Id, early.Id]);
      expect(ids(await listedCompanies(gross, { ...names, ActivityStates: ['Active'] }))).toEqual([late.Id, early.Id]);
      expect(ids(await listedCompanies(gross, { ...names, ActivityStates: ['Active', 'Deleted'] }))).toEqual([late.Id, early.Id]);
      expect(await listedCompanies(gross, { ...names, ActivityStates: ['Deleted'] })).toEqual([]);
      expectError(await getCompanies(gross, { ...names, CreatedUtc: { StartUtc: iso(middle), EndUtc: iso(middle - hour) } }), 400, 'CreatedUtc');
    });

    it('pages with Limitation.Cursor', async () => {
      const tag = unique('cop');
      const companies: Company[] = [];
      for (let i = 0; i < 5; i++) companies.push(await newCompany({ Name: tag }));
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer = await getCompanies(gross, { Names: [tag], Limitation: { Count: 2, Cursor: cursor } });
        expectJsonAnswer(answer, 200);
        const pageIds = ids(answer.body.Companies);
        expect(answer.body.Cursor).toBe(pageIds.at(-1) ?? null);
        if (pageIds.length === 0) break;
        seen.push(...pageIds);
        cursor = answer.body.Cursor;
      }
      expect(seen).toEqual(ids(companies).reverse());
      expectError(await getCompanies(gross, { Names: [tag], Limitation: { Count: 2, Cursor: unknownId } }), 400, 'Cursor');
    });

    it('a portfolio token sees every chain in scope unless ChainIds narrows it', async () => {
      const inGross = await newCompany({ ChainId: grossChainId }, portfolio);
      const inThird = await newCompany({ ChainId: thirdChainId }, portfolio);
      const both = { Ids: [inGross.Id, inThird.Id] };
      expect(ids(await listedCompanies(portfolio, both))).toEqual([inThird.Id, inGross.Id]);
      expect(ids(await listedCompanies(portfolio, { ...both, ChainIds: [grossChainId] }))).toEqual([inGross.Id]);
      expectError(await getCompanies(portfolio, { ...both, ChainIds: [netChainId] }), 400, 'ChainIds[0]');
    });
  });

  describe('isolation', () => {
    it('the net token never sees gross customers or companies', async () => {
      const email = `${unique('iso')}@example.com`;
      const customer = await newCustomer({ Email: email, LastName: unique('Iso') });
      const company = await newCompany();
      expect(await listedCustomers(net, { CustomerIds: [customer.Id, ...demo.grossCustomers] })).toEqual([]);
      expect(await listedCustomers(net, { Emails: [email] })).toEqual([]);
      expect(await listedCustomers(net, { LastNames: [customer.LastName] })).toEqual([]);
      expect(await listedCustomers(net, { CustomerIds: [customer.Id], ChainIds: [grossChainId] })).toEqual([]);
      expect(await listedCompanies(net, { Ids: [company.Id, demo.grossAcme] })).toEqual([]);
      const netCompanies = await listedCompanies(net);
      expect(netCompanies.every((c) => c.ChainId === netChainId)).toBe(true);
      expect(ids(netCompanies)).not.toContain(company.Id);
      const netCustomers = await listedCustomers(net, { ActivityStates: ['Active'] });
      expect(netCustomers.every((c) => c.ChainId === netChainId)).toBe(true);
      expectError(await getCompanies(net, { Limitation: { Count: 10, Cursor: company.Id } }), 400, 'Cursor');
    });
  });

  describe('demo tenancy', () => {
    it('each demo chain has customers that getAll finds', async () => {
      const grossFound = await listedCustomers(gross, { CustomerIds: [...demo.grossCustomers, ...demo.netCustomers] });
      expect(ids(grossFound).sort()).toEqual([...demo.grossCustomers].sort());
      expect(grossFound.every((c) => c.ChainId === grossChainId && c.IsActive)).toBe(true);
      const netFound = await listedCustomers(net, { CustomerIds: [...demo.grossCustomers, ...demo.netCustomers] });
      expect(ids(netFound).sort()).toEqual([...demo.netCustomers].sort());
      expect(netFound.every((c) => c.ChainId === netChainId && c.IsActive)).toBe(true);
      expect((await listedCustomers(net, { ActivityStates: ['Active'] })).length).toBeGreaterThanOrEqual(2);
    });

    it('each demo chain has companies that getAll finds', async () => {
      const [grossAcme] = await listedCompanies(gross, { Ids: [demo.grossAcme, demo.netAcme] });
      expect(grossAcme).toMatchObject({ Id: demo.grossAcme, ChainId: grossChainId, Name: 'Acme Travel Ltd', IsActive: true });
      const [netAcme] = await listedCompanies(net, { Ids: [demo.grossAcme, demo.netAcme] });
      expect(netAcme).toMatchObject({ Id: demo.netAcme, ChainId: netChainId, Name: 'Acme Travel Ltd', IsActive: true });
      expect((await listedCompanies(gross, { Names: ['Acme Travel Ltd', 'Globex Corporation', 'Initech Events'] })).length).toBe(3);
      expect((await listedCompanies(net, { Names: ['Acme Travel Ltd', 'Globex Corporation', 'Initech Events'] })).length).toBe(3);
    });
  });
});
