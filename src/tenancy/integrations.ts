// Every access token is an integration: one enterprise (or a portfolio) connected to one client. Its
// IntegrationId is the one the tenancy file gives, or else a stable id derived from the token's hash,
// so a token seeded without one keeps the same id across restarts and instances.
import { createHash } from 'node:crypto';

export function derivedIntegrationId(accessTokenHash: string): string {
  const hex = createHash('sha256').update(`integration:${accessTokenHash}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const integrationIdOf = (accessTokenHash: string, stored: string | null): string => stored ?? derivedIntegrationId(accessTokenHash);

/** `C66E…453D`: enough to tell tokens apart, never the token. */
export const tokenHint = (token: string): string => (token.length > 12 ? `${token.slice(0, 4)}…${token.slice(-4)}` : '…');

export const integrationStates = ['Enabled', 'Disabled', 'Canceled', 'Deleted'] as const;
export type IntegrationState = (typeof integrationStates)[number];
