// Every response, success or error, carries a Request-Id header equal to the error body's RequestId.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Server-generated only: a client cannot choose the id that its errors are logged under. */
export const generateRequestId = () => randomUUID();

export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Request-Id', request.id);
  });
}
