// Tokens -> Principal. Tokens are only ever held as SHA-256 hashes: the database stores hashes, the
// lookup is by hash, and the client token is compared to the stored hash in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { selectAccessToken } from '../store/tenancy.ts';
import type { Principal } from './principal.ts';

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): Authentication => ({ ok: false, reason });

export async function authenticate(db: Kysely<Database>, clientToken: string, accessToken: string): Promise<Authentication> {
  const accessTokenHash = hashToken(accessToken);
  const record = await selectAccessToken(db, accessTokenHash);
  const clientTokenHash = Buffer.from(hashToken(clientToken), 'hex');
  if (!record) return refuse('Invalid AccessToken: the access token is not valid.');
  if (!timingSafeEqual(clientTokenHash, Buffer.from(record.clientTokenHash, 'hex'))) {
    return refuse('Invalid ClientToken: the client token is not valid for this access token.');
  }
  if (!record.clientEnabled) return refuse('The integration is disabled.');
  if (!record.tokenEnabled) return refuse('Invalid AccessToken: the access token is disabled.');
  const enterprises = record.enterprises.filter((e) => e.enabled).map(({ id, chainId }) => ({ id, chainId }));
  if (enterprises.length === 0) return refuse('The enterprise is disabled.');
  if (!record.isPortfolio && record.enterprises.length !== enterprises.length) return refuse('The enterprise is disabled.');
  return {
    ok: true,
    principal: {
      accessTokenHash,
      clientName: record.clientName,
      isPortfolio: record.isPortfolio,
      enterprises,
      chainIds: [...new Set(enterprises.map((e) => e.chainId))],
      portfolioEnterpriseId: record.portfolioEnterpriseId,
    },
  };
}
