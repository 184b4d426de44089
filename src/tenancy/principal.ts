// The caller of a request, as resolved from its tokens: which enterprises and chains it may touch.

export interface ScopedEnterprise {
  readonly id: string;
  readonly chainId: string;
}

export interface Principal {
  /** SHA-256 of the access token: the key for the request limit, never the token itself. */
  readonly accessTokenHash: string;
  readonly clientName: string;
  readonly isPortfolio: boolean;
  /** Enabled enterprises in scope; exactly one for a single-enterprise token. */
  readonly enterprises: readonly ScopedEnterprise[];
  /** The distinct chains of those enterprises. */
  readonly chainIds: readonly string[];
  /** The IsPortfolio enterprise that configuration/get describes for a portfolio token. */
  readonly portfolioEnterpriseId: string | null;
}

/**
 * Hotel staff at work inside one chain (the control plane's browsing and front desk): the scope of a
 * single-enterprise caller of that chain, with no token behind it (nothing is rate-limited or cached
 * under this key).
 */
export function chainStaff(chainId: string): Principal {
  return {
    accessTokenHash: 'chain-staff', clientName: 'hotel staff', isPortfolio: false,
    enterprises: [{ id: chainId, chainId }], chainIds: [chainId], portfolioEnterpriseId: null,
  };
}
