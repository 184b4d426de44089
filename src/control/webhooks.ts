// The control plane's webhook endpoints: the delivery log (messages with state, attempts and last
// answer), redelivery, forgetting what is finished, and each client's endpoint URLs. A URL is a
// secret: it is stored as given and only ever answered masked.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { maskWebhookUrl, webhookUrlProblem } from '../contract/webhooks.ts';
import type { Deliverer } from '../events/deliverer.ts';
import { invalidParameter, unknownRecord } from '../loyalty/errors.ts';
import type { Store } from '../store/connect.ts';
import * as outbox from '../store/outbox.ts';
import { tokenHint } from '../tenancy/integrations.ts';
import { registerEndpoints } from './endpoints.ts';
import { eventControlEndpoints as e } from './events-contract.ts';

export interface WebhookControlOptions {
  readonly store: Store;
  readonly deliverer: Deliverer;
}

/** An Integration Webhook carries a token (AccessToken, ApiKey): shown here only as a hint. */
function shownPayload(message: outbox.WebhookMessageRecord): unknown {
  const payload = JSON.parse(message.payload) as { Data?: Record<string, unknown> };
  if (message.kind !== 'Integration' || !payload.Data) return payload;
  const data = { ...payload.Data };
  for (const field of ['AccessToken', 'ApiKey']) if (typeof data[field] === 'string') data[field] = tokenHint(data[field] as string);
  return { ...payload, Data: data };
}

const toMessage = (message: outbox.WebhookMessageRecord) => ({
  Id: message.id,
  Kind: message.kind,
  Url: maskWebhookUrl(message.url),
  State: message.state,
  Attempts: message.attempts,
  LastStatus: message.lastStatus,
  LastError: message.lastError,
  NextAttemptUtc: message.state === 'Pending' ? message.nextAttemptUtc : null,
  CreatedUtc: message.createdUtc,
  Payload: shownPayload(message),
});

const toEndpoints = (client: outbox.ClientEndpoints) => ({
  Name: client.name,
  ClientTokenHash: client.tokenHash.slice(0, 12),
  GeneralWebhookUrl: maskWebhookUrl(client.generalWebhookUrl),
  IntegrationWebhookUrl: maskWebhookUrl(client.integrationWebhookUrl),
});

export function registerWebhookControl(control: FastifyInstance, { store, deliverer }: WebhookControlOptions): void {
  const { db } = store;
  registerEndpoints(control, {
    listWebhooks: e.listWebhooks, redeliverWebhook: e.redeliverWebhook, forgetWebhooks: e.forgetWebhooks,
    listEndpoints: e.listEndpoints, setEndpoints: e.setEndpoints,
  }, {
    listWebhooks: async ({ query }) => {
      const limit = Math.min(1000, Math.max(1, Number(query.Limit ?? 100)));
      const messages = await outbox.listMessages(db, { ...(query.State ? { state: query.State } : {}), ...(query.Kind ? { kind: query.Kind } : {}), limit });
      return { Messages: messages.map(toMessage) };
    },
    redeliverWebhook: async ({ params }) => {
      const id = params.MessageId.toLowerCase();
      if (!(await outbox.redeliverMessage(db, id, new Date()))) throw unknownRecord('MessageId');
      deliverer.wake();
      return toMessage((await outbox.selectMessage(db, id))!);
    },
    forgetWebhooks: async () => ({ Forgotten: await outbox.forgetFinishedMessages(db) }),
    listEndpoints: async () => ({ Clients: (await outbox.listClientEndpoints(db)).map(toEndpoints) }),
    setEndpoints: async ({ body }) => {
      for (const field of ['GeneralWebhookUrl', 'IntegrationWebhookUrl'] as const) {
        const url = body[field];
        const problem = typeof url === 'string' ? webhookUrlProblem(url) : undefined;
        if (problem) throw invalidParameter(field, problem);
      }
      const tokenHash = createHash('sha256').update(body.ClientToken, 'utf8').digest('hex');
      if (!(await outbox.selectClientEndpoints(db, tokenHash))) throw invalidParameter('ClientToken', 'not a client of the tenancy.');
      await outbox.setClientEndpoints(db, tokenHash, { general: body.GeneralWebhookUrl, integration: body.IntegrationWebhookUrl });
      return toEndpoints((await outbox.selectClientEndpoints(db, tokenHash))!);
    },
  });
}
