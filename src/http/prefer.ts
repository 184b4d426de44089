// The `Prefer` request header, parsed in this one place: `return=minimal` (a delete, or a getAll
// whose page is empty, answers 204 with no body) and the control plane's `code=…` and `latency=…`.
import type { FastifyRequest } from 'fastify';
import { JsonText } from '../contract/json-text.ts';
import type { OperationDeclaration } from '../contract/operation.ts';

/** One preference of the header, lower-cased, with its whitespace removed. */
export interface Preference {
  /** The whole preference, `name=value`. */
  readonly text: string;
  readonly name: string;
  readonly value: string;
}

export const minimalPreference = 'return=minimal';

const parsed = new WeakMap<FastifyRequest, readonly Preference[]>();

/** Every preference of the request's `Prefer` headers, in order (parsed once per request). */
export function preferencesOf(request: FastifyRequest): readonly Preference[] {
  let preferences = parsed.get(request);
  if (preferences === undefined) {
    preferences = parsePrefer(request.headers.prefer);
    parsed.set(request, preferences);
  }
  return preferences;
}

export function parsePrefer(header: string | readonly string[] | undefined): readonly Preference[] {
  if (!header) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap((value) => value.split(',')).map((preference) => {
    const text = preference.trim().toLowerCase().replace(/\s+/g, '');
    const [name = '', value = ''] = text.split('=');
    return { text, name, value };
  });
}

export function prefersMinimal(request: FastifyRequest): boolean {
  return preferencesOf(request).some(({ text }) => text === minimalPreference);
}

/**
 * When an operation's answer has a minimal form (204, no body): always, if its answer declares no
 * properties (a delete's empty object); on an empty page, if it answers a page; otherwise never.
 * Read from the declaration, never from the action's name (the OpenAPI document can use it too).
 */
export function minimalFormOf(operation: OperationDeclaration): 'always' | 'empty page' | undefined {
  const answered = (operation.response as { properties?: Record<string, unknown> }).properties;
  if (answered !== undefined && Object.keys(answered).length === 0) return 'always';
  return operation.page ? 'empty page' : undefined;
}

export function hasMinimalForm(operation: OperationDeclaration, result: unknown): boolean {
  const form = minimalFormOf(operation);
  if (form !== 'empty page') return form === 'always';
  if (result instanceof JsonText) return result.pageLength === 0;
  const page = (result as Record<string, unknown>)[operation.page!];
  return Array.isArray(page) && page.length === 0;
}
