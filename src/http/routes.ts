// The only adapter between HTTP and the handlers: for each operation of the registry,
// POST /api/connector/v1/{resource}/{action} -> authenticate -> request limit -> validate ->
// one transaction (writes) -> handler -> serialize with the response schema.
import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import type { TSchema } from 'typebox';
import { ErrorBody } from '../contract/common.ts';
import { operations } from '../contract/index.ts';
import { operationPath, type OperationDeclaration } from '../contract/operation.ts';
import type { OperationContext } from '../loyalty/context.ts';
import { handlers } from '../loyalty/index.ts';
import type { Store } from '../store/connect.ts';
import { authenticationHook } from './authenticate.ts';
import { DeadlinePlugin } from './deadline.ts';
import { hasMinimalForm, prefersMinimal } from './prefer.ts';
import type { FaultInjector } from '../control/faults.ts';
import type { RateWindows } from '../store/rate-windows.ts';
import { rateLimitHook } from './rate-limit.ts';

type AnyHandler = (context: OperationContext, request: unknown) => Promise<unknown>;

export interface RouteOptions {
  readonly store: Store;
  readonly rateWindows: RateWindows | undefined;
  readonly requestTimeoutMs: number;
  /** Fault injection of the control plane, when it is on. */
  readonly faults?: FaultInjector | undefined;
}

/** The statuses each operation may answer with besides 200/204, for the response schemas. */
const errorStatuses = [400, 401, 403, 408, 409, 413, 429, 500] as const;

export function registerOperationRoutes(app: FastifyInstance, options: RouteOptions): void {
  const { store, rateWindows, requestTimeoutMs, faults } = options;
  const preValidation: preValidationHookHandler[] = [authenticationHook(store.db)];
  if (rateWindows) preValidation.push(rateLimitHook(rateWindows));

  for (const [name, declaration] of Object.entries(operations)) {
    const operation = declaration as OperationDeclaration;
    const handler = handlers[name as keyof typeof handlers] as AnyHandler;
    const response: Record<number, TSchema> = { 200: operation.response };
    for (const status of errorStatuses) response[status] = ErrorBody;

    app.post(operationPath(operation), {
      schema: { body: operation.request, response },
      preValidation: faults ? [...preValidation, async (request) => faults.apply(name, request)] : preValidation,
    }, async (request, reply) => {
      const now = new Date();
      const deadline = new DeadlinePlugin(now.getTime() + requestTimeoutMs);
      const principal = request.principal!;
      const result = operation.writes
        ? await store.db.transaction().execute(async (trx) => {
          await store.lockChains(trx, principal.chainIds);
          return handler({ db: trx.withPlugin(deadline), principal, now }, request.body);
        })
        : await handler({ db: store.db.withPlugin(deadline), principal, now }, request.body);
      if (prefersMinimal(request) && hasMinimalForm(operation, result)) {
        return reply.code(204).header('Preference-Applied', 'return=minimal').send();
      }
      return result;
    });
  }
}
