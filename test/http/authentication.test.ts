// docs/behaviour.md Authentication: ClientToken, AccessToken and Client in every body; 401 for anything
// wrong with the tokens, with the error body, and never an echo of the tokens sent.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectError, expectJsonAnswer } from '../helpers/expect.ts';
import { disabledClient, disabledEnterprise, gross, grossClient2, net, portfolio, third } from '../helpers/tenancy.ts';

const limitation = { Limitation: { Count: 10 } };

describe.each(dialects)('authentication ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it.each([
    ['gross', gross], ['gross, second client', grossClient2], ['net', net], ['third', third], ['portfolio', portfolio],
  ])('accepts the %s token pair', async (_label, tokens) => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...tokens, ...limitation });
    expectJsonAnswer(answer, 200);
    expect(answer.body).toEqual({ LoyaltyPrograms: [], Cursor: null });
  });

  const cases: [string, Record<string, unknown>, string | RegExp | undefined][] = [
    ['a missing ClientToken', { AccessToken: gross.AccessToken, Client: gross.Client }, 'ClientToken'],
    ['an empty ClientToken', { ClientToken: '', AccessToken: gross.AccessToken, Client: gross.Client }, 'ClientToken'],
    ['a ClientToken that is not a string', { ClientToken: 42, AccessToken: gross.AccessToken, Client: gross.Client }, 'ClientToken'],
    ['a missing AccessToken', { ClientToken: gross.ClientToken, Client: gross.Client }, 'AccessToken'],
    ['a null AccessToken', { ClientToken: gross.ClientToken, AccessToken: null, Client: gross.Client }, 'AccessToken'],
    ['both tokens missing', { Client: gross.Client }, /Token/],
    ['an unknown access token', { ...gross, AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453E' }, undefined],
    ['an unknown client token', { ...gross, ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1E' }, undefined],
    ['a client token that does not own the access token', { ...gross, ClientToken: grossClient2.ClientToken }, undefined],
    ['a swapped pair', { ClientToken: gross.AccessToken, AccessToken: gross.ClientToken, Client: gross.Client }, undefined],
    ['an access token in another case', { ...gross, AccessToken: gross.AccessToken.toLowerCase() }, undefined],
    ['a token of a disabled enterprise', disabledEnterprise, undefined],
    ['a token of a disabled client', disabledClient, undefined],
  ];

  it.each(cases)('answers 401 for %s', async (_label, tokens, message) => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...tokens, ...limitation });
    expectError(answer, 401, message);
  });

  it.each(cases)('answers 401 for %s on a write, and writes nothing', async (_label, tokens) => {
    const answer = await t.call('loyaltyPrograms/add', { ...tokens, LoyaltyPrograms: [{ Name: 'Unauthorized', Code: 'UNAUTH' }] });
    expectError(answer, 401);
    const listed = await t.call('loyaltyPrograms/getAll', { ...gross, Codes: ['UNAUTH'], ...limitation });
    const listedThird = await t.call('loyaltyPrograms/getAll', { ...third, Codes: ['UNAUTH'], ...limitation });
    expect(listed.body.LoyaltyPrograms).toEqual([]);
    expect(listedThird.body.LoyaltyPrograms).toEqual([]);
  });

  it('checks the tokens on configuration/get too', async () => {
    const answer = await t.call('configuration/get', { ...gross, ClientToken: 'F0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D' });
    expectError(answer, 401);
  });

  it('answers 400 for a missing Client with valid tokens', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ClientToken: gross.ClientToken, AccessToken: gross.AccessToken, ...limitation });
    expectError(answer, 400, 'Client');
    expect(answer.body.Message).not.toContain('ClientToken');
  });

  it('answers 400 for an empty Client', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ...gross, Client: '', ...limitation });
    expectError(answer, 400, 'Client');
  });

  it('authenticates before validating: bad tokens with a bad body are a 401', async () => {
    const answer = await t.call('loyaltyPrograms/getAll', { ClientToken: 'x', AccessToken: 'y', Limitation: { Count: 0 } });
    expectError(answer, 401);
  });

  it.each([
    ['401', { ...gross, ClientToken: grossClient2.ClientToken, ...limitation }],
    ['401 (unknown)', { ClientToken: 'SECRET-CLIENT-TOKEN-XYZ', AccessToken: 'SECRET-ACCESS-TOKEN-XYZ', Client: 'x', ...limitation }],
    ['400 (no Client)', { ClientToken: gross.ClientToken, AccessToken: gross.AccessToken, ...limitation }],
    ['400 (bad Limitation)', { ...gross, Limitation: { Count: 'lots' } }],
  ])('never puts the tokens sent in a %s error body', async (_label, body) => {
    const answer = await t.call('loyaltyPrograms/getAll', body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectError(answer, answer.status);
    const text = JSON.stringify(answer.body) + JSON.stringify(answer.headers);
    expect(text).not.toContain(body.ClientToken);
    expect(text).not.toContain(body.AccessToken);
  });

  it('never writes the tokens to the log, even at trace level', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const logged = await startTestApp(dialect, { LOG_LEVEL: 'trace' }, { logStream });
    try {
      expectJsonAnswer(await logged.call('loyaltyPrograms/getAll', { ...gross, ...limitation }), 200);
      expectError(await logged.call('loyaltyPrograms/getAll', { ...gross, ClientToken: grossClient2.ClientToken, ...limitation }), 401);
      expectError(await logged.call('loyaltyPrograms/getAll', { ...gross, Limitation: { Count: 0 } }), 400);
      expectError(await logged.call('loyaltyPrograms/nothing', { ...gross }), 404);
    } finally {
      await logged.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('');
    for (const token of [gross.ClientToken, gross.AccessToken, grossClient2.ClientToken]) expect(log).not.toContain(token);
  });
});
