// Authentication, before schema validation: ClientToken and AccessToken in the body -> Principal.
// A missing or unknown token, a mismatched pair, or a disabled enterprise or client is a 401.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { invalidParameter, unauthorized } from '../loyalty/errors.ts';
import type { Database } from '../store/database.ts';
import type { ChangeTracking } from '../store/store.ts';
import type { Principal } from '../tenancy/principal.ts';
import { authenticate } from '../tenancy/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The change marks of the principal's chains as read with its token (PostgreSQL), for the answer cache. */
    chainMarks?: string;
  }
}

export function authenticationHook(db: Kysely<Database>, changes: ChangeTracking) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidParameter('request body', 'must be a JSON object.');
    }
    const { ClientToken, AccessToken } = body as Record<string, unknown>;
    if (typeof ClientToken !== 'string' || ClientToken === '') throw unauthorized('Missing ClientToken: every request must carry ClientToken, AccessToken and Client.');
    if (typeof AccessToken !== 'string' || AccessToken === '') throw unauthorized('Missing AccessToken: every request must carry ClientToken, AccessToken and Client.');
    const result = await authenticate(db, ClientToken, AccessToken, changes);
    if (!result.ok) throw unauthorized(result.reason);
    request.principal = result.principal;
    if (result.chainMarks !== undefined) request.chainMarks = result.chainMarks;
  };
}
