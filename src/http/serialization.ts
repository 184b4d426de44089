// The serialization stage: the handler's result as the answer. Under `Prefer: return=minimal` an
// answer with a minimal form is a 204 without a body; otherwise Fastify serializes the result with the
// route's response schema, which writes only the declared properties.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperationDeclaration } from '../contract/operation.ts';
import { JsonText } from '../contract/json-text.ts';
import { hasMinimalForm, minimalPreference, prefersMinimal } from './prefer.ts';

/** The content type of every JSON answer, also of those the answer cache sends as kept. */
export const jsonContentType = 'application/json; charset=utf-8';

export type SerializationStage = (request: FastifyRequest, reply: FastifyReply, declaration: OperationDeclaration, result: unknown) => unknown;

export const serializeAnswer: SerializationStage = (request, reply, declaration, result) => {
  if (prefersMinimal(request) && hasMinimalForm(declaration, result)) {
    return reply.code(204).header('Preference-Applied', minimalPreference).send();
  }
  // Text already in the response schema's shape is sent as it is: Fastify serializes no string that
  // comes with a JSON content type.
  if (result instanceof JsonText) return reply.type(jsonContentType).send(result.text);
  return result;
};
