// Bodies are strict JSON sent as application/json; anything else is a 400 before a handler runs.
import type { FastifyInstance } from 'fastify';
import { invalidContentType, invalidJson } from '../loyalty/errors.ts';

export function registerJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(invalidJson((error as Error).message), undefined);
    }
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(invalidContentType(), undefined));
}
