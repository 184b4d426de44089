// Registers a table of control endpoints (method, path, schemas, options) with their handlers, inside
// the control plane's guarded scope: every control file adds its routes this one way.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { controlPrefix, type ControlEndpoint, type ControlHandlers, type ControlRequest } from './contract.ts';

export interface EndpointLimits {
  /** The largest body an endpoint declared `largeBody` reads (a snapshot). */
  readonly largeBodyLimitBytes?: number;
}

export function registerEndpoints<E extends Record<string, ControlEndpoint>>(
  control: FastifyInstance, endpoints: E, handlers: ControlHandlers<E>, limits: EndpointLimits = {},
): void {
  const entries = Object.entries(endpoints) as [keyof E & string, ControlEndpoint][];
  const route = (scope: FastifyInstance, name: keyof E & string, endpoint: ControlEndpoint) => scope.route({
    method: endpoint.method,
    url: `${controlPrefix}${endpoint.path}`,
    ...(endpoint.largeBody && limits.largeBodyLimitBytes ? { bodyLimit: limits.largeBodyLimitBytes } : {}),
    schema: {
      ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
      ...(endpoint.params ? { params: endpoint.params } : {}),
      ...(endpoint.body && !endpoint.rawBody ? { body: endpoint.body } : {}),
      ...(endpoint.responseAsBuilt ? {} : { response: { 200: endpoint.response } }),
    },
    // The schemas above let through exactly what ControlRequest describes.
    handler: async (request: FastifyRequest) => handlers[name](request as unknown as ControlRequest<E[typeof name]>),
  });
  for (const [name, endpoint] of entries) if (!endpoint.rawBody) route(control, name, endpoint);
  const raw = entries.filter(([, endpoint]) => endpoint.rawBody);
  if (raw.length === 0) return;
  // Raw bodies arrive as bytes, in a scope of their own so the other routes keep parsing JSON.
  void control.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const [name, endpoint] of raw) route(scope, name, endpoint);
  });
}
