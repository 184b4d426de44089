// The OpenAPI 3.1 document, built from the operation registry (so it cannot drift from the routes),
// served at GET /openapi.json, and the API reference page at GET /docs (Swagger UI, served from the
// swagger-ui-dist package: no CDN).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { controlEndpoints, controlPrefix, type ControlEndpoint } from '../control/contract.ts';
import { consoleOperationEndpoints } from '../control/console-operations.ts';
import { eventControlEndpoints, integrationControlEndpoints } from '../control/events-contract.ts';
import { GeneralWebhookMessage, IntegrationWebhookMessage } from '../contract/webhooks.ts';
import { ErrorBody } from '../contract/common.ts';
import { demoIds, errorExamples, publishedExamples } from '../contract/examples.ts';
import { Health } from './health.ts';
import { minimalFormOf } from './prefer.ts';
import { operations } from '../contract/index.ts';
import { operationPath, type OperationDeclaration } from '../contract/operation.ts';

type JsonSchema = Record<string, unknown>;

const errorDescriptions: Record<number, string> = {
  400: 'Malformed input, a schema violation, or an identifier that does not exist or is out of scope (`Invalid {Parameter}`, `Invalid JSON`).',
  401: 'Missing or invalid ClientToken or AccessToken, or a disabled enterprise or integration.',
  403: 'A business rule was violated; the message is meant for the end user.',
  408: 'The request ran past the processing timeout; nothing was written.',
  409: 'The request lost a race with a concurrent write; nothing was written. Refresh and resubmit.',
  413: 'The request body is too large.',
  429: 'Too many requests; the Retry-After header says how many seconds to wait.',
  500: 'Unexpected error.',
};

/** JSON round trip: drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema. */
const plain = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

/**
 * Moves every titled sub-schema (LoyaltyMembership, Limitation, TimeInterval, …) into
 * components.schemas and refers to it. A title reused for a different shape stays inline.
 */
function extractComponents(schema: unknown, components: Record<string, JsonSchema>, isRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => extractComponents(item, components));
  if (schema === null || typeof schema !== 'object') return schema;
  const walked: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    walked[key] = key === 'enum' || key === 'required' || key === 'example' ? value : extractComponents(value, components);
  }
  const title = walked.title;
  if (typeof title !== 'string' || isRoot) return walked;
  const existing = components[title];
  if (existing === undefined) {
    components[title] = walked;
    return { $ref: `#/components/schemas/${title}` };
  }
  return JSON.stringify(existing) === JSON.stringify(walked) ? { $ref: `#/components/schemas/${title}` } : walked;
}

function componentRef(schema: unknown, components: Record<string, JsonSchema>): unknown {
  const extracted = extractComponents(plain(schema), components, true) as JsonSchema;
  const title = extracted.title;
  if (typeof title !== 'string') return extracted;
  const existing = components[title];
  if (existing === undefined) components[title] = extracted;
  else if (JSON.stringify(existing) !== JSON.stringify(extracted)) return extracted;
  return { $ref: `#/components/schemas/${title}` };
}

type Components = Record<string, JsonSchema>;

function errorResponses(errorSchema: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(errorDescriptions).map(([status, description]) => {
    const example = errorExamples[Number(status)];
    return [status, {
      description,
      ...(status === '429' ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: errorSchema, ...(example ? { examples: { [`error${status}`]: { $ref: `#/components/examples/error${status}` } } } : {}) } },
    }];
  }));
}

/** One API operation: POST with its request, its examples, its answer and every error. */
function apiOperation(name: string, operation: OperationDeclaration, components: Components, errorSchema: unknown) {
  const minimalForm = minimalFormOf(operation);
  const responses: Record<string, unknown> = {
    200: { description: 'Success.', content: { 'application/json': { schema: componentRef(operation.response, components) } } },
    ...(minimalForm ? {
      204: {
        description: minimalForm === 'empty page'
          ? 'With `Prefer: return=minimal`, an empty page: no body and no Content-Type.'
          : 'With `Prefer: return=minimal`: no body and no Content-Type.',
      },
    } : {}),
    ...errorResponses(errorSchema),
  };
  // The first example is what "Try it out" sends: ours, which works against the demo tenancy.
  const published = publishedExamples[name];
  const requestExamples = {
    ...(operation.example ? { demo: { summary: 'Works as is against the built-in demo tenancy', value: operation.example } } : {}),
    ...(published ? { published: { summary: 'As on the published page (its ids and chains are not all in the demo tenancy)', value: published } } : {}),
  };
  return {
    post: {
      operationId: name.replace('/', '_'),
      summary: operation.summary,
      tags: [operation.resource],
      // No example value: "Try it out" must not send Prefer unless asked.
      parameters: [{
        name: 'Prefer', in: 'header', required: false, schema: { type: 'string' },
        description: '`return=minimal`: 204 with no body for a delete or an empty page. `code=429` (or 408, 500, 503) and `latency=250` inject a fault when the control plane is on.',
      }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: componentRef(operation.request, components),
            ...(Object.keys(requestExamples).length ? { examples: requestExamples } : {}),
          },
        },
      },
      responses,
    },
  };
}

/** One control endpoint, under the `control` tag. */
function controlOperation(endpoint: ControlEndpoint, components: Components, errorSchema: unknown) {
  const parameters = [
    ...Object.keys(((endpoint.params as { properties?: object } | undefined)?.properties) ?? {}).map((name) => ({
      name, in: 'path', required: true, schema: { type: 'string' }, ...(name === 'ChainId' ? { example: demoIds.chain } : {}),
    })),
    ...Object.entries(((endpoint.querystring as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema: plain(schema) })),
  ];
  return {
    operationId: `control_${endpoint.method.toLowerCase()}_${endpoint.path.replace(/[/:]+/g, '_').replace(/^_|_$/g, '')}`,
    summary: endpoint.summary,
    description: 'Control plane: present only when CONTROL_API is on; needs `Authorization: Bearer <ADMIN_TOKEN>` when ADMIN_TOKEN is set.',
    tags: ['control'],
    ...(parameters.length ? { parameters } : {}),
    ...(endpoint.body ? { requestBody: { required: true, content: { 'application/json': { schema: componentRef(endpoint.body, components) } } } } : {}),
    responses: {
      200: { description: 'Success.', content: { 'application/json': { schema: componentRef(endpoint.response, components) } } },
      400: { description: errorDescriptions[400], content: { 'application/json': { schema: errorSchema } } },
      401: { description: 'Missing or wrong admin token.', content: { 'application/json': { schema: errorSchema } } },
    },
  };
}

function healthPaths(components: Components): Record<string, unknown> {
  const healthSchema = componentRef(Health, components);
  const paths: Record<string, unknown> = {};
  for (const [probe, summary, unavailable] of [
    ['live', 'Liveness: 200 while the process serves', false],
    ['ready', 'Readiness: 200 when the database answers, 503 when it does not', true],
  ] as const) {
    paths[`/health/${probe}`] = {
      get: {
        operationId: `health_${probe}`,
        summary,
        tags: ['health'],
        responses: {
          200: { description: 'Serving.', content: { 'application/json': { schema: healthSchema } } },
          ...(unavailable ? { 503: { description: 'The database does not answer.', content: { 'application/json': { schema: healthSchema } } } } : {}),
        },
      },
    };
  }
  return paths;
}

export function buildOpenApiDocument(version: string): JsonSchema {
  const components: Components = {};
  const errorSchema = componentRef(ErrorBody, components);
  const paths: Record<string, unknown> = {};
  const resources = new Set<string>();
  for (const [name, declaration] of Object.entries(operations)) {
    const operation = declaration as OperationDeclaration;
    resources.add(operation.resource);
    paths[operationPath(operation)] = apiOperation(name, operation, components, errorSchema);
  }
  for (const endpoint of [...Object.values(controlEndpoints), ...Object.values(eventControlEndpoints), ...Object.values(integrationControlEndpoints), ...Object.values(consoleOperationEndpoints)] as ControlEndpoint[]) {
    const path = `${controlPrefix}${endpoint.path.replace(/:(\w+)/g, '{$1}')}`;
    paths[path] = { ...(paths[path] as object | undefined), [endpoint.method.toLowerCase()]: controlOperation(endpoint, components, errorSchema) };
  }
  Object.assign(paths, healthPaths(components));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loyalty Connector',
      version,
      description: 'The customer-loyalty surface of the hotel Connector API: loyalty programs, tiers and memberships, and the customers and companies they point at. Every response carries a Request-Id header.',
    },
    servers: [{ url: '/' }],
    tags: [
      ...[...resources].map((name) => ({ name })),
      { name: 'control', description: 'The control plane for testing integrations (CONTROL_API=on).' },
      { name: 'health', description: 'Probes for load balancers and orchestrators.' },
      { name: 'webhooks', description: 'What the server sends to the endpoints of an integration client.' },
    ],
    paths,
    webhooks: webhooksOf(components),
    components: {
      schemas: components,
      examples: Object.fromEntries(Object.entries(errorExamples).map(([status, example]) => [`error${status}`, example])),
    },
  };
}

/** What the server POSTs to an integration's endpoints (OpenAPI 3.1 `webhooks`). */
function webhooksOf(components: Record<string, JsonSchema>): Record<string, unknown> {
  const receipt = {
    200: { description: 'Any 2xx delivers the message. 307 and 308 are followed (at most 3 hops).' },
    default: { description: `Anything else, or no answer within WEBHOOK_TIMEOUT_MS, fails the attempt: it is retried after WEBHOOK_RETRY_DELAY_MS (doubling) until WEBHOOK_ATTEMPTS, then discarded.` },
  };
  return {
    GeneralWebhook: {
      post: {
        operationId: 'webhook_general',
        summary: 'General Webhook: CustomerAdded and CustomerUpdated',
        description: "POSTed to the client's GeneralWebhookUrl for each integration whose scope covers the customer's chain. A new customer's CustomerAdded and CustomerUpdated travel together; events within WEBHOOK_BATCH_MS share a message (500 at most). Delivered at least once: the same event may arrive twice.",
        tags: ['webhooks'],
        requestBody: { required: true, content: { 'application/json': { schema: componentRef(GeneralWebhookMessage, components) } } },
        responses: receipt,
      },
    },
    IntegrationWebhook: {
      post: {
        operationId: 'webhook_integration',
        summary: 'Integration Webhook: a hotel connected, disabled, enabled, canceled, reinstated or deleted the integration, or regenerated its key',
        description: "POSTed to the client's IntegrationWebhookUrl, one message per event, with `Action` telling which `Data` it carries. IntegrationCreated and IntegrationApiKeyCreated carry the access token to use from now on.",
        tags: ['webhooks'],
        requestBody: { required: true, content: { 'application/json': { schema: componentRef(IntegrationWebhookMessage, components) } } },
        responses: receipt,
      },
    },
  };
}

const require = createRequire(import.meta.url);

export const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Loyalty Connector API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/reference.js"></script>
</body>
</html>
`;

const docsScript = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 });\n`;

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const document = JSON.stringify(buildOpenApiDocument(packageVersion), null, 2);
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage));
  app.get('/docs/reference.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(docsScript));
  await app.register(fastifyStatic, {
    // The folder only: the package's index would also run its 1.5 MB browser bundle in this process
    // (some 40 MB of heap for nothing).
    root: (require('swagger-ui-dist/absolute-path.js') as () => string)(),
    prefix: '/docs/assets/',
    decorateReply: false,
    index: false,
  });
}
