// Where a value breaks its schema, said the way its author wrote it (`Enterprises[0].ChainId`): for
// the tenancy seed file and for snapshots (the API's own bodies are checked by Fastify, whose
// reports src/http/errors.ts phrases with describePath too).
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** JSON pointer `/Enterprises/0/ChainId` -> `Enterprises[0].ChainId`. */
export function describePath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

export interface Violation {
  /** The field at fault, a missing one included; empty for the value itself. */
  readonly path: string;
  /** A required property is absent (`path` names it). */
  readonly missing: boolean;
  /** What is wrong with a present value (TypeBox's wording). */
  readonly message: string;
}

/** The first violation of `schema` by `value`, or undefined when it conforms. */
export function firstViolation(schema: TSchema, value: unknown): Violation | undefined {
  const [first] = Value.Errors(schema, value);
  if (!first) return undefined;
  const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
  const path = describePath(first.instancePath) + (missing ? `${first.instancePath ? '.' : ''}${missing}` : '');
  return { path, missing: missing !== undefined, message: first.message };
}
