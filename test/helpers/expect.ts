// Assertions on the parts of a response the contract names: the Request-Id header, the JSON
// Content-Type and the error body { Message, RequestId, Details }.
import { expect } from 'vitest';
import { isLowercaseUuid } from './app.ts';

interface Answer {
  readonly status: number;
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

/** A JSON answer: the status, a JSON content type and a lowercase-UUID Request-Id header. */
export function expectJsonAnswer(answer: Answer, status: number): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json(;|$)/);
  expect(isLowercaseUuid(answer.headers['request-id'])).toBe(true);
}

/**
 * An error answer: the status, the body `{ Message, RequestId, Details }` with RequestId equal to the
 * Request-Id header, and a Message matching `message` (a substring or a pattern).
 */
export function expectError(answer: Answer, status: number, message?: string | RegExp, options: { details?: boolean } = {}): void {
  expectJsonAnswer(answer, status);
  const body = answer.body;
  expect(typeof body.Message).toBe('string');
  expect(body.Message.length).toBeGreaterThan(0);
  expect(body.RequestId).toBe(answer.headers['request-id']);
  const allowed = ['Message', 'RequestId', 'Details'];
  expect(Object.keys(body).filter((key) => !allowed.includes(key))).toEqual([]);
  if (options.details === false) expect(body).not.toHaveProperty('Details');
  else if (body.Details !== undefined) expect(typeof body.Details).toBe('string');
  if (typeof message === 'string') expect(body.Message).toContain(message);
  else if (message) expect(body.Message).toMatch(message);
}

/** Parses a light-my-request response into the shape `call` returns. */
export function parsed(response: { statusCode: number; body: string; headers: Record<string, unknown> }): Answer {
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
}
