// The error catalogue. Every failure the server answers with is one of these values: a status and
// a message that names the parameter or rule. http/errors.ts is the only place that writes them out.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Which field failed and why; sent as `Details` outside production. */
    readonly details?: string,
    /** Extra response headers (Retry-After). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400: malformed input, a schema violation, or an identifier that does not exist or is out of scope. */
export function invalidParameter(parameter: string, reason?: string): ApiError {
  return new ApiError(400, reason ? `Invalid ${parameter}: ${reason}` : `Invalid ${parameter}.`, reason ? `${parameter}: ${reason}` : parameter);
}

export const invalidJson = (reason: string) => new ApiError(400, 'Invalid JSON', reason);

export const invalidContentType = () =>
  new ApiError(400, 'Invalid Content-Type: requests must be sent as application/json.', 'Content-Type');

/** 401: missing, unknown or mismatched tokens, or a disabled enterprise or client. */
export const unauthorized = (reason: string) => new ApiError(401, reason);

/** 403: a business rule, worded for the end user. */
export const ruleViolation = (rule: string, details?: string) => new ApiError(403, rule, details ?? rule);

export const pathNotFound = (method: string, path: string) =>
  new ApiError(404, `Not found: ${method} ${path} is not an operation of this API.`, 'Operations are POST /api/connector/v1/{resource}/{action}, exact and case-sensitive.');

export const requestTimeout = () =>
  new ApiError(408, 'Request timeout: the request took too long to process. Request smaller batches or pages.');

export const concurrencyConflict = () =>
  new ApiError(409, 'Conflict: the data changed while the request was processed. Refresh and resubmit.', 'A concurrent write won the race; nothing of this request was written.');

export const payloadTooLarge = (limitBytes: number) =>
  new ApiError(413, `Request body too large: the limit is ${limitBytes} bytes.`);

export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, `Too many requests: retry after ${retryAfterSeconds} seconds.`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/** 503: the database cannot be written or reached (`cannot be written: disk full`); nothing was written. */
export const databaseUnavailable = (cause: string) =>
  new ApiError(503, `Service unavailable: the database ${cause}. Nothing of this request was written; retry later.`, `the database ${cause}`);

export const internalError = (details?: string) => new ApiError(500, 'Internal server error.', details);

/** 404 on the control plane: a record named in the path (a webhook message, an integration) that does not exist. */
export const unknownRecord = (parameter: string) => new ApiError(404, `Unknown ${parameter}.`, `${parameter}: no such record.`);
