// The only place that writes an error body: { Message, RequestId, Details }. Every failure, from the
// router, the body parser, schema validation, authentication or a handler, is mapped here to one
// ApiError of the catalogue, by type or error code (never by message text).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError, concurrencyConflict, databaseUnavailable, internalError, invalidJson, invalidParameter, pathNotFound, payloadTooLarge, requestTimeout,
} from '../loyalty/errors.ts';
import { isLostRace, isStatementTimeout } from '../store/errors.ts';
import { storageFailureCause, type StorageHealth } from '../store/storage-failure.ts';
import { describePath } from '../tenancy/seed.ts';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** The first schema violation, phrased with the parameter path the client sent (`LoyaltyPrograms[0].Name`). */
export function describeValidation(issues: readonly ValidationIssue[]): ApiError {
  // `anyOf` (a value or null) reports its branches first; the branch that is not "must be null" says more.
  const issue = issues.find((i) => i.keyword !== 'anyOf' && !(i.keyword === 'type' && i.params.type === 'null')) ?? issues[0]!;
  const base = describePath(issue.instancePath);
  switch (issue.keyword) {
    case 'required': {
      const missing = String(issue.params.missingProperty);
      return invalidParameter(base ? `${base}.${missing}` : missing, 'required.');
    }
    case 'enum':
      return invalidParameter(base, `must be one of ${(issue.params.allowedValues as unknown[]).filter((v) => v !== null).join(', ')}.`);
    case 'format':
      return invalidParameter(base, issue.params.format === 'uuid' ? 'must be a UUID.' : `must be a ${String(issue.params.format)}.`);
    case 'type':
      return invalidParameter(base || 'request body', `must be ${String(issue.params.type).replace(',null', '').replace(',', ' or ')}.`);
    default:
      return invalidParameter(base || 'request body', `${issue.message ?? 'is not valid'}.`);
  }
}

export function toApiError(error: unknown, bodyLimitBytes: number): ApiError {
  if (error instanceof ApiError) return error;
  if (isLostRace(error)) return concurrencyConflict();
  if (isStatementTimeout(error)) return requestTimeout();
  const storageFailure = storageFailureCause(error);
  if (storageFailure) return databaseUnavailable(storageFailure);
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return describeValidation(fastifyError.validation as ValidationIssue[]);
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson('The body is not strict JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidParameter('Content-Length', 'does not match the body.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidParameter('Content-Type', 'requests must be sent as application/json.');
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ApiError(fastifyError.statusCode, fastifyError.message ?? 'Bad request.');
  }
  return internalError(error instanceof Error ? error.message : String(error));
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError, production: boolean): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  const body: { Message: string; RequestId: string; Details?: string } = { Message: error.message, RequestId: request.id };
  if (!production && error.details !== undefined) body.Details = error.details;
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

export interface ErrorHandlingOptions {
  readonly production: boolean;
  readonly bodyLimitBytes: number;
  /** Told of storage failures, so readiness turns unavailable. */
  readonly storage?: StorageHealth;
  /** Whether the database answers: an unexplained failure while it does not is an outage (503), not a bug. */
  readonly ping?: () => Promise<void>;
}

/** An unexplained error while the database does not answer: the outage, not the error, is the cause. */
async function outageOrInternal(error: unknown, options: ErrorHandlingOptions, bodyLimitBytes: number): Promise<ApiError> {
  const apiError = toApiError(error, bodyLimitBytes);
  if (apiError.status !== 500 || !options.ping || error instanceof ApiError) return apiError;
  try {
    await options.ping();
    return apiError;
  } catch (pingError) {
    return databaseUnavailable(storageFailureCause(pingError) ?? 'cannot be reached: it does not answer');
  }
}

export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = await outageOrInternal(error, options, options.bodyLimitBytes);
    const injected = apiError.headers?.['Connector-Fault'] !== undefined;
    if (apiError.status === 503 && !injected) {
      // The database's own error, for the operator; the answer names the cause in words.
      request.log.error({ err: error }, `request failed: ${apiError.details}`);
      options.storage?.fail(apiError.details!);
      return sendError(request, reply, apiError, options.production);
    }
    if (apiError.status >= 500 && !injected) {
      request.log.error({ err: error }, 'request failed');
      // A stack trace helps a developer; production answers without one.
      if (!options.production && error instanceof Error && !(error instanceof ApiError)) {
        return sendError(request, reply, internalError(error.stack ?? error.message), false);
      }
    }
    return sendError(request, reply, apiError, options.production);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, pathNotFound(request.method, request.url.split('?')[0]!), options.production));
}
