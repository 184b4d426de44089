// Recording the hotel's events: called by the code that makes a change, with its transaction, so an
// event exists exactly when its change was committed (the outbox). Each integration whose scope covers
// the chain and whose client has a GeneralWebhookUrl gets its own copy; the deliverer gathers them.
import type { Kysely } from 'kysely';
import type { GeneralEventDiscriminator } from '../contract/webhooks.ts';
import type { Database } from '../store/database.ts';
import { generalTargetsOfChain, insertOutboxEvents } from '../store/outbox.ts';
import { integrationIdOf } from '../tenancy/integrations.ts';

/** A new customer: CustomerAdded and CustomerUpdated, always in one message. */
export const customerAdded: readonly GeneralEventDiscriminator[] = ['CustomerAdded', 'CustomerUpdated'];
export const customerUpdated: readonly GeneralEventDiscriminator[] = ['CustomerUpdated'];

export async function recordCustomerEvents(
  trx: Kysely<Database>, chainId: string, customerId: string, discriminators: readonly GeneralEventDiscriminator[], now: Date,
): Promise<void> {
  const targets = await generalTargetsOfChain(trx, chainId);
  await insertOutboxEvents(trx, targets.map((target) => ({
    clientTokenHash: target.clientTokenHash,
    integrationId: integrationIdOf(target.accessTokenHash, target.integrationId),
    enterpriseId: target.isPortfolio && target.portfolioEnterpriseId ? target.portfolioEnterpriseId : target.enterpriseId,
    discriminators,
    entityId: customerId,
  })), now);
}
