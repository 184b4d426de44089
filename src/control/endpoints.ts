// Registers a table of control endpoints (method, path, schemas) with their handlers, inside the
// control plane's guarded scope, so newer control files add routes the way routes.ts does.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { controlPrefix, type ControlEndpoint } from './contract.ts';

export function registerEndpoints<E extends Record<string, ControlEndpoint>>(
  control: FastifyInstance, endpoints: E, handlers: { readonly [K in keyof E]: (request: FastifyRequest) => Promise<unknown> },
): void {
  for (const [name, endpoint] of Object.entries(endpoints) as [keyof E & string, ControlEndpoint][]) {
    control.route({
      method: endpoint.method,
      url: `${controlPrefix}${endpoint.path}`,
      schema: {
        ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
        ...(endpoint.params ? { params: endpoint.params } : {}),
        ...(endpoint.body ? { body: endpoint.body } : {}),
        response: { 200: endpoint.response },
      },
      handler: async (request) => handlers[name](request),
    });
  }
}
