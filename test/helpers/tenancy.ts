// Tokens the tests call with: the published demo pairs (built in) and a test tenancy with a third
// chain, a portfolio token over two chains, and disabled records for the 401 paths.
import type { TenancySeed } from '../../src/tenancy/seed.ts';

export const gross = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'Loyalty Connector tests 1.0.0',
};
/** The gross tokens as the published examples send them, with their client name. */
export const sampleClient = { ...gross, Client: 'Sample Client 1.0.0' };
export const grossEnterpriseId = '851df8c8-90f2-4c4a-8e01-a4fc46b25178';
export const grossChainId = '8ddea57b-6a5c-4eec-8c4c-24467dce118e';

/** Another client's token for the same gross enterprise. */
export const grossClient2 = {
  ClientToken: 'E916C341431C4D28A866AD200152DBD3-A046EB5583FFBE94DE1172237763712',
  AccessToken: 'CC150C355D6A4048A220AD20015483AB-B6D09C0C84B09538077CB8FFBB907B4',
  Client: 'Loyalty Connector tests 1.0.0',
};

export const net = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: '4D6C7ABE0E6A4681B0AFB16900AE5D86-DF50CBC89E1D4FF5859DDF021649ED5',
  Client: 'Loyalty Connector tests 1.0.0',
};
export const netEnterpriseId = '4d0201db-36f5-428b-8d11-4f0a65e960cc';
export const netChainId = '5fcd1933-22f2-40b9-84da-7db04cbecec2';

export const thirdChainId = '0b6a3c1e-8f0e-4a43-9c55-3f1c1a7d9e01';
export const thirdEnterpriseId = '2d0f5b44-1e6b-4f8a-bf1c-7c3b9a6e4d02';
export const disabledEnterpriseId = '5e7a9c11-3d2b-4c6e-8f10-9a8b7c6d5e03';

const testClientToken = 'TEST-CLIENT-TOKEN-0001';

/** A single-enterprise token of the third chain. */
export const third = { ClientToken: testClientToken, AccessToken: 'TEST-THIRD-ACCESS-TOKEN', Client: 'tests' };
/** A portfolio token over the gross enterprise and the third chain's enterprise. */
export const portfolio = { ClientToken: testClientToken, AccessToken: 'TEST-PORTFOLIO-ACCESS-TOKEN', Client: 'tests' };
/** A token whose only enterprise is disabled. */
export const disabledEnterprise = { ClientToken: testClientToken, AccessToken: 'TEST-DISABLED-ENTERPRISE-TOKEN', Client: 'tests' };
/** A token of a disabled client. */
export const disabledClient = { ClientToken: 'TEST-DISABLED-CLIENT', AccessToken: 'TEST-DISABLED-CLIENT-ACCESS', Client: 'tests' };

export const testTenancy: TenancySeed = {
  Chains: [{ Id: thirdChainId, Name: 'Third Chain' }],
  Enterprises: [
    { Id: thirdEnterpriseId, ChainId: thirdChainId, Name: 'Third Hotel', TimeZoneIdentifier: 'Europe/Prague', Pricing: 'Net' },
    { Id: disabledEnterpriseId, ChainId: thirdChainId, Name: 'Closed Hotel', IsEnabled: false },
  ],
  Clients: [
    { Name: 'Test Client', ClientToken: testClientToken },
    { Name: 'Disabled Client', ClientToken: disabledClient.ClientToken, IsEnabled: false },
  ],
  AccessTokens: [
    { AccessToken: third.AccessToken, ClientToken: testClientToken, EnterpriseIds: [thirdEnterpriseId] },
    { AccessToken: portfolio.AccessToken, ClientToken: testClientToken, EnterpriseIds: [grossEnterpriseId, thirdEnterpriseId], IsPortfolio: true },
    { AccessToken: disabledEnterprise.AccessToken, ClientToken: testClientToken, EnterpriseIds: [disabledEnterpriseId] },
    { AccessToken: disabledClient.AccessToken, ClientToken: disabledClient.ClientToken, EnterpriseIds: [thirdEnterpriseId] },
  ],
};
