// The handler stage: for each operation of the registry, POST /api/connector/v1/{resource}/{action}
// with its request and response schemas, calling the operation's handler inside the transaction
// stage and answering through the serialization stage. The stages before it (authentication, request
// limit, faults, answer cache) are hooks registered in app.ts; each route carries its operation in
// its config for them.
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { ErrorBody } from '../contract/common.ts';
import { operations } from '../contract/index.ts';
import { operationPath, type OperationDeclaration } from '../contract/operation.ts';
import type { OperationContext } from '../loyalty/context.ts';
import { handlers } from '../loyalty/index.ts';
import type { SerializationStage } from './serialization.ts';
import type { TransactionStage } from './transaction.ts';

type AnyHandler = (context: OperationContext, request: unknown) => Promise<unknown>;

export interface OperationRouteStages {
  readonly transaction: TransactionStage;
  readonly serialization: SerializationStage;
}

/** The statuses each operation may answer with besides 200/204, for the response schemas. */
const errorStatuses = [400, 401, 403, 408, 409, 413, 429, 500] as const;

export function registerOperationRoutes(app: FastifyInstance, { transaction, serialization }: OperationRouteStages): void {
  for (const [name, entry] of Object.entries(operations)) {
    const declaration = entry as OperationDeclaration;
    const handler = handlers[name as keyof typeof handlers] as AnyHandler;
    const response: Record<number, TSchema> = { 200: declaration.response };
    for (const status of errorStatuses) response[status] = ErrorBody;

    app.post(operationPath(declaration), {
      schema: { body: declaration.request, response },
      config: { operation: { name, declaration } },
    }, async (request, reply) => {
      const result = await transaction(declaration, request.principal!, (context) => handler(context, request.body));
      return serialization(request, reply, declaration, result);
    });
  }
}
