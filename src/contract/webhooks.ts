// The hotel's events on the wire: the General Webhook message (CustomerAdded, CustomerUpdated) as
// published, and the rules for webhook endpoint URLs, which are secrets (the receiver's shared token
// travels in the URL): only their scheme, host and path are ever shown.
import { Type, type Static, type TSchema } from 'typebox';
import { Uuid } from './common.ts';

export const GeneralEventDiscriminator = Type.Enum(['CustomerAdded', 'CustomerUpdated'], {
  description: 'The type of event. This server emits the customer events; an integration should ignore discriminators it does not know.',
});
export type GeneralEventDiscriminator = Static<typeof GeneralEventDiscriminator>;

export const GeneralWebhookEvent = Type.Object(
  {
    Discriminator: GeneralEventDiscriminator,
    Value: Type.Object({ Id: Uuid }, { title: 'EntityUpdatedData', description: 'Fetch the entity with customers/getAll (CustomerIds).' }),
  },
  { title: 'GeneralWebhookEvent' },
);

export const GeneralWebhookMessage = Type.Object(
  {
    EnterpriseId: Type.String({ format: 'uuid', description: 'The enterprise of the integration the events belong to (a portfolio token: its portfolio enterprise).' }),
    IntegrationId: Type.String({ format: 'uuid', description: 'The integration (access token) the events belong to.' }),
    Events: Type.Array(GeneralWebhookEvent, { minItems: 1, maxItems: 500 }),
  },
  { title: 'GeneralWebhookMessage', description: 'POSTed to the client\'s GeneralWebhookUrl. A new customer\'s CustomerAdded and CustomerUpdated travel in one message.' },
);
export type GeneralWebhookMessage = Static<typeof GeneralWebhookMessage>;

export const maxWebhookUrlLength = 2000;

/** Why a webhook URL is refused, or undefined when it is an absolute http(s) URL of sane length. */
export function webhookUrlProblem(url: string): string | undefined {
  if (url.length > maxWebhookUrlLength) return `must be at most ${maxWebhookUrlLength} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https URL.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an absolute http or https URL.';
  if (!parsed.hostname) return 'must name a host.';
  // As published, the secret travels in the query; a user name or password in the URL cannot be sent
  // (fetch refuses it) and would be one more place for a secret to show.
  if (parsed.username || parsed.password) return 'must not carry a user name or password: put the shared secret in the query (?token=...).';
  return undefined;
}

/** Scheme, host and path: never the query, fragment or credentials, which may carry the shared secret. */
export function maskWebhookUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[invalid URL]';
  }
}

// Integration Webhooks: one message per event, `{ Action, Data }` exactly as published.
const IntegrationRef = Type.Object({ Id: Uuid, Name: Type.String() }, { title: 'IntegrationWebhookIntegration' });
const IntegrationMessage = <A extends string, D extends Record<string, TSchema>>(action: A, data: D, description: string) =>
  Type.Object(
    { Action: Type.Literal(action), Data: Type.Object(data, { title: `${action}Data` }) },
    { title: `${action}Webhook`, description },
  );

export const IntegrationCreatedWebhook = IntegrationMessage('IntegrationCreated', {
  Enterprise: Type.Object({ Id: Uuid, Name: Type.String() }, { title: 'IntegrationWebhookEnterprise' }),
  Service: Type.Optional(Type.Object({ Id: Uuid, Name: Type.String() }, { title: 'IntegrationWebhookService' })),
  Requestor: Type.Union([Type.Object({ Name: Type.String(), Email: Type.String() }, { title: 'IntegrationWebhookRequestor' }), Type.Null()]),
  AccessToken: Type.String({ description: 'The access token of the new integration: store it; it is what the integration calls the API with.' }),
  CreatedUtc: Type.String(),
  IsEnabled: Type.Boolean(),
  Integration: IntegrationRef,
}, 'A hotel connected the integration.');
export const IntegrationEnabledWebhook = IntegrationMessage('IntegrationEnabled', { Integration: IntegrationRef }, 'The integration was enabled: its token works again.');
export const IntegrationDisabledWebhook = IntegrationMessage('IntegrationDisabled', { Integration: IntegrationRef }, 'The integration was disabled: its token answers 401.');
export const IntegrationCanceledWebhook = IntegrationMessage('IntegrationCanceled', { Integration: IntegrationRef }, 'The integration was canceled: its token answers 401.');
export const IntegrationReinstatedWebhook = IntegrationMessage('IntegrationReinstated', { Integration: IntegrationRef }, 'The integration was reinstated: its token works again.');
export const IntegrationDeletedWebhook = IntegrationMessage('IntegrationDeleted', { DeletedUtc: Type.String(), Integration: IntegrationRef }, 'The integration was deleted: its token answers 401 for good.');
export const IntegrationApiKeyCreatedWebhook = IntegrationMessage('IntegrationApiKeyCreated', {
  Integration: IntegrationRef,
  ApiKey: Type.String({ description: 'The new access token; the old one answers 401 from now on.' }),
}, 'The integration\'s key was regenerated.');

export const IntegrationWebhookMessage = Type.Union([
  IntegrationCreatedWebhook, IntegrationEnabledWebhook, IntegrationDisabledWebhook, IntegrationCanceledWebhook,
  IntegrationReinstatedWebhook, IntegrationDeletedWebhook, IntegrationApiKeyCreatedWebhook,
], { title: 'IntegrationWebhookMessage', description: "POSTed to the client's IntegrationWebhookUrl, one message per event." });
export type IntegrationWebhookMessage = Static<typeof IntegrationWebhookMessage>;
export type IntegrationWebhookAction = IntegrationWebhookMessage['Action'];
