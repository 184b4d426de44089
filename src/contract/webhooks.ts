// The hotel's events on the wire: the General Webhook message (CustomerAdded, CustomerUpdated) as
// published, and the rules for webhook endpoint URLs, which are secrets (the receiver's shared token
// travels in the URL): only their scheme, host and path are ever shown.
import { Type, type Static } from 'typebox';
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
