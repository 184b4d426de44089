// Bodies are strict JSON sent as application/json; anything else is a 400 before a handler runs.
import type { FastifyInstance } from 'fastify';
import { invalidContentType, invalidJson, invalidParameter } from '../loyalty/errors.ts';

/** Text a database cannot keep as sent: NUL (PostgreSQL refuses it) or an unpaired surrogate (stored as U+FFFD). */
const unstorable = (text: string) => text.includes('\0') || !(text as string & { isWellFormed(): boolean }).isWellFormed();

/** The parameter path (`LoyaltyPrograms[0].Name`) of the first string or key that cannot be stored. */
function pathOfUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return unstorable(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = pathOfUnstorable(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (unstorable(key)) return here;
    const found = pathOfUnstorable(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function registerJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = JSON.parse(body as string);
    } catch (error) {
      done(invalidJson((error as Error).message), undefined);
      return;
    }
    // Both can only arrive as \u escapes, so a cheap text check keeps the walk off the common path.
    // Refusing them here keeps both databases alike and every answer equal to what is stored.
    const found = /\\u(0000|d[89a-f])/i.test(body as string) ? pathOfUnstorable(value, '') : undefined;
    if (found !== undefined) {
      done(invalidParameter(found || 'request body', 'contains NUL (\\u0000) or an unpaired surrogate, which cannot be stored.'), undefined);
      return;
    }
    done(null, value);
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(invalidContentType(), undefined));
}
