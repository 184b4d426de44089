// src/client: the typed client for integrations; it imports nothing but the contract's types.
//
// The typed Loyalty Connector client: one method per operation of the registry, with request and
// response types derived from the same TypeBox schemas as the server. At run time it needs nothing
// but the platform `fetch` (the contract is imported for its types only).
import type { Operations } from '../contract/index.ts';
import type { OperationRequest, OperationResponse } from '../contract/operation.ts';
import type { GeneralWebhookMessage, IntegrationWebhookMessage } from '../contract/webhooks.ts';

type OperationName = keyof Operations & string;
type ResourceOf<N> = N extends `${infer R}/${string}` ? R : never;
type ActionOf<N, R extends string> = N extends `${R}/${infer A}` ? A : never;
type Method<N> = N extends OperationName ? (request: RequestOf<N>, options?: CallOptions) => Promise<ResponseOf<N>> : never;
type Credentials = 'ClientToken' | 'AccessToken' | 'Client';

/** A request body without the credentials, which the client adds (they may still be given). */
export type RequestOf<N extends OperationName> = Omit<OperationRequest<Operations[N]>, Credentials> &
  Partial<Pick<OperationRequest<Operations[N]>, Credentials>>;
export type ResponseOf<N extends OperationName> = OperationResponse<Operations[N]>;

export type LoyaltyConnectorClient = {
  readonly [R in ResourceOf<OperationName>]: {
    readonly [A in ActionOf<OperationName, R>]: Method<`${R}/${A}`>;
  };
} & {
  /** Walks a getAll by cursor, page by page, until a page comes back short or empty. */
  pages<N extends Extract<OperationName, `${string}/getAll`>>(operation: N, request: RequestOf<N>, options?: CallOptions): AsyncIterable<ResponseOf<N>>;
  /** Any operation by name: `call('loyaltyMemberships/add', …)`. */
  call<N extends OperationName>(operation: N, request: RequestOf<N>, options?: CallOptions): Promise<ResponseOf<N>>;
};

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** First backoff when there is no Retry-After; doubled each attempt, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string;
  readonly clientToken: string;
  readonly accessToken: string;
  /** Name and version of the integration, sent as `Client`. */
  readonly client: string;
  readonly retry?: Partial<RetryPolicy>;
  /** For tests and custom transports; the platform fetch by default. */
  readonly fetch?: typeof fetch;
  /** For tests: how to wait between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CallOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** An error answer of the API: the status, its Message and RequestId, and what the client tried. */
export class ConnectorApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId: string | null,
    readonly details: string | null,
    readonly operation: string,
    readonly attempts: number,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'ConnectorApiError';
  }
}

const defaultRetry: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

const isIdempotent = (operation: string) => operation.endsWith('/getAll') || operation.endsWith('/get');

/** Whether an answer is worth another attempt: 429 always; 408 and 5xx only for reads. */
const retryable = (operation: string, status: number) =>
  status === 429 || (isIdempotent(operation) && (status === 408 || status >= 500));

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

/** What one call needs besides its operation and body. */
interface Transport {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly retry: RetryPolicy;
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

/** The pause before attempt `attempt + 1` when the server said nothing: exponential, full jitter. */
function backoff(retry: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * ceiling;
}

/** How many times the largest backoff a server's Retry-After may make the client wait. */
const retryAfterCeilingFactor = 6;

/** The API's error answer as a ConnectorApiError, or the status alone if the body is not ours. */
function apiError(response: Response, text: string, operation: string, attempt: number, retryAfter: number | null): ConnectorApiError {
  let error: { Message?: string; RequestId?: string; Details?: string } = {};
  try {
    error = JSON.parse(text) as typeof error;
  } catch {
    // Not our error body (a proxy in between): keep the status.
  }
  return new ConnectorApiError(
    response.status,
    error.Message ?? `HTTP ${response.status}`,
    error.RequestId ?? response.headers.get('request-id'),
    error.Details ?? null,
    operation,
    attempt,
    retryAfter,
  );
}

/** One operation, sent again while the answer says it is worth it and attempts remain. */
async function send(transport: Transport, operation: string, body: string, callOptions: CallOptions): Promise<unknown> {
  const { retry } = transport;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await transport.fetch(`${transport.baseUrl}/api/connector/v1/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...transport.headers, ...callOptions.headers },
        body,
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      });
    } catch (error) {
      // The request may or may not have reached the server: only a read is safe to send again.
      if (!isIdempotent(operation) || attempt >= retry.attempts || callOptions.signal?.aborted) throw error;
      await transport.sleep(backoff(retry, attempt));
      continue;
    }
    if (response.status === 204) return {};
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : {};
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryable(operation, response.status) && attempt < retry.attempts) {
      await transport.sleep(retryAfter !== null ? Math.min(retryAfter * 1000, retry.maxDelayMs * retryAfterCeilingFactor) : backoff(retry, attempt));
      continue;
    }
    throw apiError(response, text, operation, attempt, retryAfter);
  }
}

type Call = (operation: string, request: object, callOptions?: CallOptions) => Promise<Record<string, unknown>>;

/** A getAll walked by cursor, page by page, until a page comes back short or empty. */
async function* walkPages(call: Call, operation: string, request: { Limitation: { Count: number; Cursor?: string | null } }, callOptions?: CallOptions) {
  let cursor = request.Limitation.Cursor ?? null;
  for (;;) {
    const page = await call(operation, { ...request, Limitation: { ...request.Limitation, Cursor: cursor } }, callOptions);
    yield page;
    const items = Object.values(page).find(Array.isArray) as unknown[] | undefined;
    if (!page.Cursor || !items || items.length < request.Limitation.Count) return;
    cursor = page.Cursor as string;
  }
}

/** `client.loyaltyPrograms.getAll(…)`: each resource a proxy whose properties are its actions. */
function resourceProxy(call: Call, target: object): object {
  const resources = new Map<string, object>();
  return new Proxy(target, {
    get(target, property) {
      if (typeof property !== 'string') return undefined;
      if (property === 'call' || property === 'pages') return (target as Record<string, unknown>)[property];
      if (property === 'then') return undefined; // not a thenable
      let resource = resources.get(property);
      if (!resource) {
        resource = new Proxy({}, {
          get: (_, action) => (typeof action === 'string' ? (request: object, o?: CallOptions) => call(`${property}/${action}`, request, o) : undefined),
        });
        resources.set(property, resource);
      }
      return resource;
    },
  });
}

export function createClient(options: ClientOptions): LoyaltyConnectorClient {
  const transport: Transport = {
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    retry: { ...defaultRetry, ...options.retry },
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.headers,
  };
  const credentials = { ClientToken: options.clientToken, AccessToken: options.accessToken, Client: options.client };
  const call: Call = async (operation, request, callOptions = {}) =>
    await send(transport, operation, JSON.stringify({ ...credentials, ...request }), callOptions) as Record<string, unknown>;
  const pages = (operation: string, request: { Limitation: { Count: number; Cursor?: string | null } }, callOptions?: CallOptions) =>
    walkPages(call, operation, request, callOptions);
  return resourceProxy(call, { call, pages }) as LoyaltyConnectorClient;
}

// What an integration receives: the webhook message types (from the same schemas as the server) and
// functions that check a received body and narrow it. No run-time dependency: the checks are written
// out here, and a failure names the path of the first field at fault.

export type { GeneralWebhookMessage, IntegrationWebhookMessage };
export type IntegrationWebhookAction = IntegrationWebhookMessage['Action'];
export type GeneralWebhookEvent = GeneralWebhookMessage['Events'][number];
export type GeneralEventDiscriminator = GeneralWebhookEvent['Discriminator'];

export class WebhookPayloadError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`Invalid webhook body: ${path} ${reason}`);
    this.name = 'WebhookPayloadError';
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const generalDiscriminators: readonly string[] = ['CustomerAdded', 'CustomerUpdated'] satisfies GeneralEventDiscriminator[];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function expectUuid(value: unknown, path: string): void {
  if (typeof value !== 'string' || !uuid.test(value)) throw new WebhookPayloadError(path, 'must be a UUID.');
}

/**
 * Checks a received General Webhook body (already parsed from JSON) and returns it typed; throws a
 * WebhookPayloadError naming the field otherwise. Each event narrows by `Discriminator`. Events of
 * other kinds (the hotel sends many, such as ServiceOrderUpdated) are left out of the answer, as the
 * published page advises an integration to ignore what it does not use.
 */
export function parseGeneralWebhook(body: unknown): GeneralWebhookMessage {
  if (!isObject(body)) throw new WebhookPayloadError('body', 'must be a JSON object.');
  expectUuid(body.EnterpriseId, 'EnterpriseId');
  expectUuid(body.IntegrationId, 'IntegrationId');
  if (!Array.isArray(body.Events) || body.Events.length === 0) throw new WebhookPayloadError('Events', 'must be a non-empty array.');
  const known = body.Events.filter((event: unknown, index) => {
    if (!isObject(event)) throw new WebhookPayloadError(`Events[${index}]`, 'must be an object.');
    if (typeof event.Discriminator !== 'string' || event.Discriminator === '') {
      throw new WebhookPayloadError(`Events[${index}].Discriminator`, 'must be a non-empty string.');
    }
    if (!isObject(event.Value)) throw new WebhookPayloadError(`Events[${index}].Value`, 'must be an object.');
    if (!generalDiscriminators.includes(event.Discriminator)) return false;
    expectUuid(event.Value.Id, `Events[${index}].Value.Id`);
    return true;
  });
  return { ...body, Events: known } as unknown as GeneralWebhookMessage;
}

/** The same check as a type guard. */
export function isGeneralWebhook(body: unknown): body is GeneralWebhookMessage {
  try {
    parseGeneralWebhook(body);
    return true;
  } catch {
    return false;
  }
}

/** The distinct customers a message names: fetch each once with customers/getAll (CustomerIds). */
export const customerIdsOf = (message: GeneralWebhookMessage): string[] => [...new Set(message.Events.map((event) => event.Value.Id))];

const integrationReference = (value: unknown, path: string) => {
  if (!isObject(value)) throw new WebhookPayloadError(path, 'must be an object.');
  expectUuid(value.Id, `${path}.Id`);
  if (typeof value.Name !== 'string') throw new WebhookPayloadError(`${path}.Name`, 'must be a string.');
};
const text = (value: unknown, path: string) => {
  if (typeof value !== 'string' || value === '') throw new WebhookPayloadError(path, 'must be a non-empty string.');
};
const integrationData: Record<IntegrationWebhookAction, (data: Record<string, unknown>) => void> = {
  IntegrationCreated: (data) => {
    if (!isObject(data.Enterprise)) throw new WebhookPayloadError('Data.Enterprise', 'must be an object.');
    expectUuid(data.Enterprise.Id, 'Data.Enterprise.Id');
    text(data.Enterprise.Name, 'Data.Enterprise.Name');
    if (data.Requestor !== null && data.Requestor !== undefined && !isObject(data.Requestor)) throw new WebhookPayloadError('Data.Requestor', 'must be an object or null.');
    text(data.AccessToken, 'Data.AccessToken');
    text(data.CreatedUtc, 'Data.CreatedUtc');
    if (typeof data.IsEnabled !== 'boolean') throw new WebhookPayloadError('Data.IsEnabled', 'must be a boolean.');
  },
  IntegrationEnabled: () => {},
  IntegrationDisabled: () => {},
  IntegrationCanceled: () => {},
  IntegrationReinstated: () => {},
  IntegrationDeleted: (data) => text(data.DeletedUtc, 'Data.DeletedUtc'),
  IntegrationApiKeyCreated: (data) => text(data.ApiKey, 'Data.ApiKey'),
};

/**
 * Checks a received Integration Webhook body and returns it typed; narrow it with `switch (message.Action)`.
 * Throws a WebhookPayloadError naming the field otherwise.
 */
export function parseIntegrationWebhook(body: unknown): IntegrationWebhookMessage {
  if (!isObject(body)) throw new WebhookPayloadError('body', 'must be a JSON object.');
  const check = typeof body.Action === 'string' ? integrationData[body.Action as IntegrationWebhookAction] : undefined;
  if (!check) throw new WebhookPayloadError('Action', `must be one of ${Object.keys(integrationData).join(', ')}.`);
  if (!isObject(body.Data)) throw new WebhookPayloadError('Data', 'must be an object.');
  integrationReference(body.Data.Integration, 'Data.Integration');
  check(body.Data);
  return body as unknown as IntegrationWebhookMessage;
}

export function isIntegrationWebhook(body: unknown): body is IntegrationWebhookMessage {
  try {
    parseIntegrationWebhook(body);
    return true;
  } catch {
    return false;
  }
}
