// Gathering outbox events into General Webhook messages: per integration (and enterprise), in the order
// they happened, at most 500 events a message; a row's events (a new customer's pair) never split.
import { randomUUID } from 'node:crypto';
import type { GeneralWebhookMessage } from '../contract/webhooks.ts';
import type { NewWebhookMessage, OutboxEvent } from '../store/outbox.ts';

export const maxEventsPerMessage = 500;

export function gatherGeneralMessages(events: readonly OutboxEvent[]): NewWebhookMessage[] {
  const groups = new Map<string, OutboxEvent[]>();
  for (const event of events) {
    const key = `${event.clientTokenHash}\u0000${event.integrationId}\u0000${event.enterpriseId}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  const messages: NewWebhookMessage[] = [];
  for (const group of groups.values()) {
    const { clientTokenHash, integrationId, enterpriseId } = group[0]!;
    let current: GeneralWebhookMessage['Events'] = [];
    const flush = () => {
      if (current.length === 0) return;
      const body: GeneralWebhookMessage = { EnterpriseId: enterpriseId, IntegrationId: integrationId, Events: current };
      messages.push({ id: randomUUID(), kind: 'General', clientTokenHash, integrationId, payload: JSON.stringify(body) });
      current = [];
    };
    for (const event of group) {
      if (current.length + event.discriminators.length > maxEventsPerMessage) flush();
      for (const discriminator of event.discriminators) {
        current.push({ Discriminator: discriminator as GeneralWebhookMessage['Events'][number]['Discriminator'], Value: { Id: event.entityId } });
      }
    }
    flush();
  }
  return messages;
}
