// Bodies are strict JSON sent as application/json; anything else is a 400 before a handler runs.
import type { FastifyInstance } from 'fastify';
import { invalidContentType, invalidJson, invalidParameter } from '../loyalty/errors.ts';

/** Text a database cannot keep as sent: NUL (PostgreSQL refuses it) or an unpaired surrogate (stored as U+FFFD). */
const unstorable = (text: string) => text.includes('\0') || !(text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The parameter path (`LoyaltyPrograms[0].Name`) of the first string or key that cannot be stored.
 * Walks with an explicit stack: a hostile body may nest far deeper than the call stack allows.
 */
function pathOfUnstorable(root: unknown): string | undefined {
  const pending: [unknown, string][] = [[root, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (unstorable(value)) return path;
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) pending.push([value[index], `${path}[${index}]`]);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index]!;
        const here = path ? `${path}.${key}` : key;
        if (unstorable(key)) return here;
        pending.push([item, here]);
      }
    }
  }
  return undefined;
}

export function registerJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A path that names nothing is a 404 whatever its body: the body is not read as JSON.
    if (request.is404) {
      done(null, undefined);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(body as string);
    } catch (error) {
      done(invalidJson((error as Error).message), undefined);
      return;
    }
    // Both can only arrive as \u escapes, so a cheap text check keeps the walk off the common path.
    // Refusing them here keeps both databases alike and every answer equal to what is stored.
    const found = /\\u(0000|d[89a-f])/i.test(body as string) ? pathOfUnstorable(value) : undefined;
    if (found !== undefined) {
      done(invalidParameter(found || 'request body', 'contains NUL (\\u0000) or an unpaired surrogate, which cannot be stored.'), undefined);
      return;
    }
    done(null, value);
  });
  app.addContentTypeParser('*', (request, _payload, done) => done(request.is404 ? null : invalidContentType(), undefined));
}
