// The control plane's event endpoints, as data (the routes and the OpenAPI document come from this
// table): webhook messages and client endpoints, the front desk's customers, and the arrivals
// simulation. Webhook URLs are answered masked: scheme, host and path.
import { Type } from 'typebox';
import { Customer } from '../contract/customers.ts';
import type { ControlEndpoint } from './contract.ts';

const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));
const Url = (description: string) => Type.Optional(Type.Union([Type.String({ description }), Type.Null()]));

export const WebhookMessage = Type.Object(
  {
    Id: Type.String(),
    Kind: Type.Enum(['General', 'Integration']),
    Url: Type.Union([Type.String(), Type.Null()], { description: "The client's endpoint for this kind, masked (scheme, host and path)." }),
    State: Type.Enum(['Pending', 'Delivered', 'Discarded']),
    Attempts: Type.Integer(),
    LastStatus: Type.Union([Type.Integer(), Type.Null()]),
    LastError: Type.Union([Type.String(), Type.Null()]),
    NextAttemptUtc: Type.Union([Type.String(), Type.Null()], { description: 'When a pending message is next sent; null once delivered or discarded.' }),
    CreatedUtc: Type.String(),
    Payload: Type.Unknown({ description: 'The message body as sent.' }),
  },
  { title: 'ControlWebhookMessage' },
);

export const ClientEndpoints = Type.Object(
  {
    Name: Type.String(),
    ClientTokenHash: Type.String({ description: 'The first 12 hex digits of the SHA-256 of the client token: tells clients apart, never shows the token.' }),
    GeneralWebhookUrl: Type.Union([Type.String(), Type.Null()]),
    IntegrationWebhookUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'ControlClientEndpoints' },
);

const CustomerFields = {
  FirstName: OptionalText(255),
  Email: OptionalText(255),
  Phone: OptionalText(255),
  LoyaltyCode: OptionalText(255),
};

export const Simulation = Type.Object(
  {
    Running: Type.Boolean(),
    ChainId: Type.Union([Type.String(), Type.Null()]),
    ArrivalsPerMinute: Type.Number(),
    UpdatesPerMinute: Type.Number(),
    StartedUtc: Type.Union([Type.String(), Type.Null()]),
    EndsUtc: Type.Union([Type.String(), Type.Null()]),
    Arrivals: Type.Integer(),
    Updates: Type.Integer(),
    Errors: Type.Integer(),
    LastError: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'ControlSimulation' },
);

const ChainParams = Type.Object({ ChainId: Type.String({ format: 'uuid' }) });

export const eventControlEndpoints = {
  listWebhooks: {
    method: 'GET', path: '/webhooks', summary: 'Webhook messages, newest first, with their delivery state',
    querystring: Type.Object({
      State: Type.Optional(Type.Enum(['Pending', 'Delivered', 'Discarded'])), Kind: Type.Optional(Type.Enum(['General', 'Integration'])),
      Limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100).' })),
    }),
    response: Type.Object({ Messages: Type.Array(WebhookMessage) }, { title: 'ControlWebhookMessages' }),
  },
  redeliverWebhook: {
    method: 'POST', path: '/webhooks/:MessageId/redeliver', summary: 'Send a webhook message again now',
    params: Type.Object({ MessageId: Type.String({ format: 'uuid' }) }), response: WebhookMessage,
  },
  forgetWebhooks: {
    method: 'DELETE', path: '/webhooks', summary: 'Forget delivered and discarded webhook messages',
    response: Type.Object({ Forgotten: Type.Integer() }, { title: 'ControlWebhooksForgotten' }),
  },
  listEndpoints: {
    method: 'GET', path: '/webhooks/endpoints', summary: "Every client's webhook endpoints (masked)",
    response: Type.Object({ Clients: Type.Array(ClientEndpoints) }, { title: 'ControlClientEndpointList' }),
  },
  setEndpoints: {
    method: 'POST', path: '/webhooks/endpoints', summary: "Set (a URL) or clear (null) a client's webhook endpoints; one left out stays",
    body: Type.Object({
      ClientToken: Type.String({ minLength: 1 }),
      GeneralWebhookUrl: Url('Absolute http(s) URL, at most 2000 characters, for CustomerAdded and CustomerUpdated.'),
      IntegrationWebhookUrl: Url('Absolute http(s) URL, at most 2000 characters, for the Integration Webhooks.'),
    }, { title: 'ControlEndpointParameters' }),
    response: ClientEndpoints,
  },
  listCustomers: {
    method: 'GET', path: '/chains/:ChainId/customers', summary: "The front desk: a chain's active customers, newest first", params: ChainParams,
    querystring: Type.Object({ Count: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })), Cursor: Type.Optional(Type.String({ format: 'uuid' })) }),
    response: Type.Object({ Items: Type.Array(Customer), Cursor: Type.Union([Type.String(), Type.Null()]) }, { title: 'ControlCustomerPage' }),
  },
  addCustomer: {
    method: 'POST', path: '/chains/:ChainId/customers', summary: 'The front desk: add a customer (CustomerAdded and CustomerUpdated, as customers/add)', params: ChainParams,
    body: Type.Object({ LastName: Type.String({ minLength: 1, maxLength: 255 }), ...CustomerFields }, { title: 'ControlCustomerAddParameters' }),
    response: Customer,
  },
  updateCustomer: {
    method: 'POST', path: '/chains/:ChainId/customers/:CustomerId', summary: 'The front desk: edit a customer (CustomerUpdated, as customers/update)',
    params: Type.Object({ ChainId: Type.String({ format: 'uuid' }), CustomerId: Type.String({ format: 'uuid' }) }),
    body: Type.Object({ LastName: OptionalText(255), ...CustomerFields }, { title: 'ControlCustomerUpdateParameters' }),
    response: Customer,
  },
  startSimulation: {
    method: 'POST', path: '/simulation', summary: 'Simulate arrivals: the front desk adds (and updates) customers at this pace for this long',
    body: Type.Object({
      ChainId: Type.String({ format: 'uuid' }),
      ArrivalsPerMinute: Type.Number({ minimum: 0, maximum: 6000 }),
      UpdatesPerMinute: Type.Optional(Type.Number({ minimum: 0, maximum: 6000 })),
      DurationSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    }, { title: 'ControlSimulationParameters' }),
    response: Simulation,
  },
  simulation: { method: 'GET', path: '/simulation', summary: 'The arrivals simulation: running or not, and what it did', response: Simulation },
  stopSimulation: { method: 'DELETE', path: '/simulation', summary: 'Stop the arrivals simulation', response: Simulation },
} satisfies Record<string, ControlEndpoint>;

const IntegrationParams = Type.Object({ IntegrationId: Type.String({ format: 'uuid' }) });

export const Integration = Type.Object(
  {
    IntegrationId: Type.String(),
    Name: Type.String({ description: "The client's name." }),
    ClientTokenHash: Type.String(),
    State: Type.Enum(['Enabled', 'Disabled', 'Canceled', 'Deleted']),
    AccessToken: Type.Union([Type.String(), Type.Null()], { description: 'Masked: the first and last four characters.' }),
    IsPortfolio: Type.Boolean(),
    EnterpriseIds: Type.Array(Type.String()),
    ChainIds: Type.Array(Type.String()),
    CreatedUtc: Type.Union([Type.String(), Type.Null()]),
    DeletedUtc: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'ControlIntegration' },
);

const Connection = Type.Object(
  { IntegrationId: Type.String(), AccessToken: Type.String({ description: 'Shown once: only a hint of it is kept.' }), EnterpriseId: Type.String(), ChainId: Type.String() },
  { title: 'ControlIntegrationConnection' },
);

const action = (path: string, summary: string) => ({
  method: 'POST' as const, path: `/integrations/:IntegrationId/${path}`, summary, params: IntegrationParams, response: Integration,
});

export const integrationControlEndpoints = {
  connectIntegration: {
    method: 'POST', path: '/integrations',
    summary: 'Connect a property: an existing enterprise (EnterpriseId) or a new one (Enterprise, in a new chain unless ChainId); IntegrationCreated',
    body: Type.Object({
      ClientToken: Type.String({ minLength: 1 }),
      EnterpriseId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
      Enterprise: Type.Optional(Type.Union([Type.Object({
        Name: Type.String({ minLength: 1, maxLength: 255 }),
        ChainId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
      }), Type.Null()])),
    }, { title: 'ControlConnectParameters' }),
    response: Connection,
  },
  listIntegrations: {
    method: 'GET', path: '/integrations', summary: 'Every integration with its state (tokens masked)',
    response: Type.Object({ Integrations: Type.Array(Integration) }, { title: 'ControlIntegrationList' }),
  },
  disableIntegration: action('disable', 'Disable: the token answers 401; IntegrationDisabled'),
  enableIntegration: action('enable', 'Enable a disabled integration; IntegrationEnabled'),
  cancelIntegration: action('cancel', 'Cancel: the token answers 401; IntegrationCanceled'),
  reinstateIntegration: action('reinstate', 'Reinstate a canceled integration; IntegrationReinstated'),
  regenerateIntegrationKey: {
    method: 'POST', path: '/integrations/:IntegrationId/regenerate-key', summary: 'A new access token, working at once; the old one answers 401; IntegrationApiKeyCreated',
    params: IntegrationParams, response: Connection,
  },
  deleteIntegration: {
    method: 'DELETE', path: '/integrations/:IntegrationId', summary: "Delete: the token answers 401 for good; the enterprise's data stays; IntegrationDeleted",
    params: IntegrationParams, response: Integration,
  },
} satisfies Record<string, ControlEndpoint>;
