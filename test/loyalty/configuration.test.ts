// configuration/get (docs/behaviour.md): NowUtc, IsIdentityDocumentNumberRequired and an Enterprise with
// every field the published page marks required, for single-enterprise and portfolio tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isLowercaseUuid, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import {
  disabledEnterpriseId, gross, grossChainId, grossClient2, grossEnterpriseId, net, netChainId, netEnterpriseId, portfolio,
  sampleClient, third, thirdChainId, thirdEnterpriseId,
} from '../helpers/tenancy.ts';

const wireTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const isoDuration = /^P/;

/** The Enterprise properties the published page marks required (EditableHistoryInterval is deprecated but still required). */
const requiredEnterpriseFields = [
  'Id', 'ChainId', 'ChainName', 'CreatedUtc', 'UpdatedUtc', 'Name', 'TimeZoneIdentifier', 'LegalEnvironmentCode',
  'AccommodationEnvironmentCode', 'AccountingEnvironmentCode', 'TaxEnvironmentCode', 'DefaultLanguageCode',
  'AccountingEditableHistoryInterval', 'OperationalEditableHistoryInterval', 'Pricing', 'AddressId', 'Address',
  'GroupNames', 'Subscription', 'Currencies', 'IsPortfolio', 'EditableHistoryInterval',
];

/** Checks the shape the published page requires, whatever the enterprise. */
function expectPublishedShape(body: any): void {
  expect(body.NowUtc).toMatch(wireTime);
  expect(Math.abs(Date.parse(body.NowUtc) - Date.now())).toBeLessThan(60_000);
  expect(body.IsIdentityDocumentNumberRequired).toBe(false);
  const enterprise = body.Enterprise;
  for (const field of requiredEnterpriseFields) {
    expect(enterprise, `Enterprise.${field}`).toHaveProperty(field);
    expect(enterprise[field], `Enterprise.${field}`).not.toBeNull();
  }
  expect(isLowercaseUuid(enterprise.Id)).toBe(true);
  expect(isLowercaseUuid(enterprise.ChainId)).toBe(true);
  expect(typeof enterprise.ChainName).toBe('string');
  expect(typeof enterprise.Name).toBe('string');
  expect(enterprise.CreatedUtc).toMatch(wireTime);
  expect(enterprise.UpdatedUtc).toMatch(wireTime);
  for (const field of ['TimeZoneIdentifier', 'LegalEnvironmentCode', 'AccommodationEnvironmentCode', 'AccountingEnvironmentCode', 'TaxEnvironmentCode', 'DefaultLanguageCode']) {
    expect(typeof enterprise[field], field).toBe('string');
    expect(enterprise[field].length, field).toBeGreaterThan(0);
  }
  for (const field of ['AccountingEditableHistoryInterval', 'OperationalEditableHistoryInterval', 'EditableHistoryInterval']) {
    expect(enterprise[field], field).toMatch(isoDuration);
  }
  expect(['Gross', 'Net']).toContain(enterprise.Pricing);
  expect(isLowercaseUuid(enterprise.AddressId)).toBe(true);
  expect(enterprise.Address.Id).toBe(enterprise.AddressId);
  expect(Array.isArray(enterprise.GroupNames)).toBe(true);
  expect(typeof enterprise.Subscription).toBe('object');
  expect(typeof enterprise.IsPortfolio).toBe('boolean');
  expect(enterprise.Currencies.length).toBeGreaterThan(0);
  for (const currency of enterprise.Currencies) {
    expect(Object.keys(currency).sort()).toEqual(['Currency', 'IsDefault', 'IsEnabled']);
    expect(currency.Currency).toMatch(/^[A-Z]{3}$/);
  }
  expect(enterprise.Currencies.filter((c: { IsDefault: boolean }) => c.IsDefault)).toHaveLength(1);
}

describe.each(dialects)('configuration/get ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('describes the gross enterprise for the gross token', async () => {
    const answer = await t.call('configuration/get', { ...gross });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    expect(answer.body.Enterprise).toMatchObject({
      Id: grossEnterpriseId,
      ChainId: '8ddea57b-6a5c-4eec-8c4c-24467dce118e',
      ChainName: 'Connector API Chain',
      Name: 'Connector API Hotel (gross pricing)',
      TimeZoneIdentifier: 'Europe/London',
      DefaultLanguageCode: 'en-GB',
      Pricing: 'Gross',
      Currencies: [{ Currency: 'GBP', IsDefault: true, IsEnabled: true }],
      IsPortfolio: false,
    });
    expect(answer.body.Enterprise.ChainId).toBe(grossChainId);
  });

  it('describes the same enterprise for another client\'s token of it', async () => {
    const answer = await t.call('configuration/get', { ...grossClient2 });
    expectJsonAnswer(answer, 200);
    expect(answer.body.Enterprise.Id).toBe(grossEnterpriseId);
  });

  it('describes the net enterprise for the net token', async () => {
    const answer = await t.call('configuration/get', { ...net });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    expect(answer.body.Enterprise).toMatchObject({
      Id: netEnterpriseId,
      ChainId: netChainId,
      ChainName: 'Connector API Net Chain',
      TimeZoneIdentifier: 'America/New_York',
      DefaultLanguageCode: 'en-US',
      Pricing: 'Net',
      Currencies: [{ Currency: 'USD', IsDefault: true, IsEnabled: true }],
      IsPortfolio: false,
    });
  });

  it('describes an enterprise of a seed with the fields the seed gives', async () => {
    const answer = await t.call('configuration/get', { ...third });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    expect(answer.body.Enterprise).toMatchObject({
      Id: thirdEnterpriseId, ChainId: thirdChainId, ChainName: 'Third Chain', Name: 'Third Hotel',
      TimeZoneIdentifier: 'Europe/Prague', Pricing: 'Net', IsPortfolio: false,
    });
  });

  it('answers the published example request (its EnterpriseId is the gross enterprise) with 200', async () => {
    const answer = await t.call('configuration/get', {
      ...sampleClient,
      EnterpriseId: '851df8c8-90f2-4c4a-8e01-a4fc46b25178',
    });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    expect(answer.body.Enterprise.Id).toBe('851df8c8-90f2-4c4a-8e01-a4fc46b25178');
    expect(answer.body.Enterprise.ChainId).toBe('8ddea57b-6a5c-4eec-8c4c-24467dce118e');
  });

  it('takes the EnterpriseId in upper case, or null', async () => {
    const upper = await t.call('configuration/get', { ...gross, EnterpriseId: grossEnterpriseId.toUpperCase() });
    expectJsonAnswer(upper, 200);
    expect(upper.body.Enterprise.Id).toBe(grossEnterpriseId);
    const nulled = await t.call('configuration/get', { ...gross, EnterpriseId: null });
    expectJsonAnswer(nulled, 200);
    expect(nulled.body.Enterprise.Id).toBe(grossEnterpriseId);
  });

  it.each([
    ['another chain\'s enterprise', netEnterpriseId],
    ['an enterprise that does not exist', '0f0e0d0c-0b0a-4909-8807-060504030201'],
  ])('answers 400 naming EnterpriseId for %s with a single-enterprise token', async (_label, enterpriseId) => {
    const answer = await t.call('configuration/get', { ...gross, EnterpriseId: enterpriseId });
    expectError(answer, 400, 'EnterpriseId');
  });

  it('answers 400 for an EnterpriseId that is not a UUID', async () => {
    expectError(await t.call('configuration/get', { ...gross, EnterpriseId: 'gross' }), 400, 'EnterpriseId');
  });

  it('describes the portfolio enterprise for a portfolio token without EnterpriseId', async () => {
    const answer = await t.call('configuration/get', { ...portfolio });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    const enterprise = answer.body.Enterprise;
    expect(enterprise.IsPortfolio).toBe(true);
    expect(enterprise.Id).not.toBe(grossEnterpriseId);
    expect(enterprise.Id).not.toBe(thirdEnterpriseId);
    expect([grossChainId, thirdChainId]).toContain(enterprise.ChainId);
    // The same record every time.
    const again = await t.call('configuration/get', { ...portfolio });
    expect(again.body.Enterprise.Id).toBe(enterprise.Id);
  });

  it.each([
    ['the gross enterprise', grossEnterpriseId, { ChainId: grossChainId, TimeZoneIdentifier: 'Europe/London', Pricing: 'Gross' }],
    ['the third enterprise', thirdEnterpriseId, { ChainId: thirdChainId, TimeZoneIdentifier: 'Europe/Prague', Pricing: 'Net' }],
  ])('describes %s for a portfolio token that names it', async (_label, enterpriseId, expected) => {
    const answer = await t.call('configuration/get', { ...portfolio, EnterpriseId: enterpriseId });
    expectJsonAnswer(answer, 200);
    expectPublishedShape(answer.body);
    expect(answer.body.Enterprise).toMatchObject({ Id: enterpriseId, IsPortfolio: false, ...expected });
  });

  it.each([
    ['an enterprise outside its scope', netEnterpriseId],
    ['another enterprise of a chain in its scope, which the token does not hold', disabledEnterpriseId],
    ['an enterprise that does not exist', '0f0e0d0c-0b0a-4909-8807-060504030201'],
  ])('answers 400 naming EnterpriseId for a portfolio token and %s', async (_label, enterpriseId) => {
    const answer = await t.call('configuration/get', { ...portfolio, EnterpriseId: enterpriseId });
    expectError(answer, 400, 'EnterpriseId');
  });
});
