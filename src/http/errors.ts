// The only place that writes an error body: { Message, RequestId, Details }. Every failure, from the
// router, the body parser, schema validation, authentication or a handler, is mapped here to one
// ApiError of the catalogue, by type or error code (never by message text).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describePath } from '../contract/schema-errors.ts';
import {
  ApiError, concurrencyConflict, databaseUnavailable, internalError, invalidJson, invalidParameter, pathNotFound, payloadTooLarge, requestTimeout,
} from '../loyalty/errors.ts';
import { isLostRace, isStatementTimeout } from '../store/errors.ts';
import { storageFailureCause, type StorageHealth } from '../store/storage-failure.ts';
import { generateRequestId } from './request-id.ts';

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

/**
 * Request bodies a 413 still reads (and drops) before answering, so a client that is still sending
 * gets the answer instead of a connection closed under its writes. Beyond it the answer closes.
 */
const drainableBytes = 64 * 1024 * 1024;
const drainTimeoutMs = 10_000;

async function drainBody(raw: IncomingMessage): Promise<boolean> {
  if (raw.complete || raw.readableEnded) return true;
  const declared = Number(raw.headers['content-length'] ?? Number.NaN);
  if (!(declared <= drainableBytes)) return false;
  return new Promise((resolve) => {
    let received = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      raw.removeListener('data', count).removeListener('end', ended).removeListener('error', failed);
      resolve(drained);
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > drainableBytes) finish(false);
    };
    const ended = () => finish(true);
    const failed = () => finish(false);
    const timer = setTimeout(() => finish(false), drainTimeoutMs);
    raw.on('data', count).once('end', ended).once('error', failed);
    raw.resume();
  });
}

/** Answers that Node writes before any request exists (bad request line or headers, slow headers), in the API's shape. */
export function clientErrorAnswer(production: boolean) {
  return function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const apiError = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? requestTimeout()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new ApiError(431, 'Request header fields too large: the headers may take at most 16 KB.')
        : new ApiError(400, 'Bad request: the request line or headers are not valid HTTP/1.1.', String(error.code ?? 'invalid request'));
    const requestId = generateRequestId();
    const body = JSON.stringify({ Message: apiError.message, RequestId: requestId, ...(!production && apiError.details ? { Details: apiError.details } : {}) });
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nRequest-Id: ${requestId}\r\n\r\n${body}`);
    }
    socket.destroySoon();
  };
}

/** Router failures Fastify answers before any hook (a URL that cannot be decoded), in the API's shape. */
export function frameworkErrorAnswer(production: boolean) {
  return function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    reply.header('Request-Id', request.id);
    const apiError = error.code === 'FST_ERR_BAD_URL'
      ? new ApiError(400, 'Bad request: the URL is not valid (a % must start an escape such as %20).', 'URL')
      : toApiError(error, 0);
    void sendError(request, reply, apiError, production);
  };
}

export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = await outageOrInternal(error, options, options.bodyLimitBytes);
    if (apiError.status === 413 && !(await drainBody(request.raw))) reply.header('Connection', 'close');
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
