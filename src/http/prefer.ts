// Prefer: return=minimal. A delete, or a getAll whose page is empty, answers 204 with no body.
import type { FastifyRequest } from 'fastify';
import type { OperationDeclaration } from '../contract/operation.ts';

export function prefersMinimal(request: FastifyRequest): boolean {
  const header = request.headers.prefer;
  if (!header) return false;
  const values = Array.isArray(header) ? header : [header];
  return values.some((value) => value.split(',').some((p) => p.trim().toLowerCase().replace(/\s+/g, '') === 'return=minimal'));
}

export function hasMinimalForm(operation: OperationDeclaration, result: unknown): boolean {
  if (operation.action === 'delete') return true;
  if (!operation.page) return false;
  const page = (result as Record<string, unknown>)[operation.page];
  return Array.isArray(page) && page.length === 0;
}
