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
import type { AnswerCache, PendingAnswer } from './answer-cache.ts';
import type { Principal } from '../tenancy/principal.ts';

type AnyHandler = (context: OperationContext, request: unknown) => Promise<unknown>;

export interface RouteOptions {
  readonly store: Store;
  readonly rateWindows: RateWindows | undefined;
  readonly requestTimeoutMs: number;
  /** Fault injection of the control plane, when it is on. */
  readonly faults?: FaultInjector | undefined;
  /** Answers of repeatable reads, until the next write. */
  readonly answers?: AnswerCache | undefined;
}

/**
 * The cache key of a repeatable read: the operation, the caller, and the request's declared properties
 * but the tokens, in the schema's order. Unknown properties are ignored by the operation, so they stay
 * out of the key too (they may be anything, nested arbitrarily deep).
 */
function answerKeyOf(operation: string, declared: readonly string[]) {
  return (principal: Principal, body: Record<string, unknown>): string => {
    // The caller's scope as resolved for this request, not only its token: an answer computed before
    // the token's enterprises changed must not be found with the new scope.
    const scope = principal.enterprises.map((enterprise) => `${enterprise.id}/${enterprise.chainId}`).join(',');
    let key = `${operation}\u0000${principal.accessTokenHash}\u0000${principal.isPortfolio}\u0000${principal.portfolioEnterpriseId}\u0000${scope}`;
    for (const property of declared) {
      const value = body[property];
      if (value !== undefined) key += `\u0000${property}=${JSON.stringify(value)}`;
    }
    return key;
  };
}

const tokenProperties = new Set(['ClientToken', 'AccessToken', 'Client']);
const jsonContentType = 'application/json; charset=utf-8';

/** The statuses each operation may answer with besides 200/204, for the response schemas. */
const errorStatuses = [400, 401, 403, 408, 409, 413, 429, 500] as const;

export function registerOperationRoutes(app: FastifyInstance, options: RouteOptions): void {
  const { store, rateWindows, requestTimeoutMs, faults, answers } = options;
  const preValidation: preValidationHookHandler[] = [authenticationHook(store.db, () => store.changeMark())];
  if (rateWindows) preValidation.push(rateLimitHook(rateWindows));

  for (const [name, declaration] of Object.entries(operations)) {
    const operation = declaration as OperationDeclaration;
    const handler = handlers[name as keyof typeof handlers] as AnyHandler;
    const response: Record<number, TSchema> = { 200: operation.response };
    for (const status of errorStatuses) response[status] = ErrorBody;
    const answerKey = answerKeyOf(name, Object.keys(operation.request.properties).filter((property) => !tokenProperties.has(property)));

    app.post(operationPath(operation), {
      schema: { body: operation.request, response },
      preValidation: faults ? [...preValidation, async (request) => faults.apply(name, request)] : preValidation,
    }, async (request, reply) => {
      // A repeatable read answered before, with nothing written since: the same bytes again.
      let pending: PendingAnswer | undefined;
      if (answers && operation.repeatable && !prefersMinimal(request)) {
        const found = answers.lookup(() => answerKey(request.principal!, request.body as Record<string, unknown>));
        if ('answer' in found) return reply.type(jsonContentType).send(found.answer);
        pending = found.pending;
      }
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
      if (pending) {
        // Serialized here with the route's own response schema (what Fastify would send), and kept.
        const answer = reply.serialize(result) as string;
        answers!.keep(pending, answer);
        return reply.type(jsonContentType).send(answer);
      }
      return result;
    });
  }
}
