// Which operation of the registry a route serves, carried in the route's config so that every stage
// of the pipeline (faults, answer cache, transaction) reads it from the request, not from a closure.
import type { FastifyRequest } from 'fastify';
import type { OperationDeclaration } from '../contract/operation.ts';

export interface RoutedOperation {
  /** The registry's key, `resource/action`. */
  readonly name: string;
  readonly declaration: OperationDeclaration;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: RoutedOperation;
  }
}

/** The operation of a request that reached one of the registry's routes. */
export function operationOf(request: FastifyRequest): RoutedOperation {
  const operation = request.routeOptions.config.operation;
  if (!operation) throw new Error(`${request.url} is not an operation of the registry`);
  return operation;
}
