// Integration Webhook messages: one per event, `{ Action, Data }` exactly as published, recorded in the
// outbox in the transaction of the change, for the client's IntegrationWebhookUrl (none without one).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { IntegrationWebhookMessage } from '../contract/webhooks.ts';
import type { Database } from '../store/database.ts';
import { insertWebhookMessages, selectClientEndpoints } from '../store/outbox.ts';

/** Published times are to the second: `2019-12-13T14:42:52Z`. */
export const webhookTime = (time: Date) => `${time.toISOString().slice(0, 19)}Z`;

export async function recordIntegrationMessage(
  trx: Kysely<Database>, clientTokenHash: string, integrationId: string, message: IntegrationWebhookMessage, now: Date,
): Promise<boolean> {
  const client = await selectClientEndpoints(trx, clientTokenHash);
  if (!client?.integrationWebhookUrl) return false;
  await insertWebhookMessages(trx, [{ id: randomUUID(), kind: 'Integration', clientTokenHash, integrationId, payload: JSON.stringify(message) }], now);
  return true;
}
