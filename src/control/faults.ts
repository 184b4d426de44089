// Fault injection: rules that make matching API calls answer a chosen status (429 with Retry-After,
// 408, 500, 503) or wait before answering normally; and the per-request `Prefer: code=…` header.
// Every injected answer carries a `Connector-Fault` header and is marked in the journal.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { operations } from '../contract/index.ts';
import { ApiError, invalidParameter } from '../loyalty/errors.ts';
import { hashToken } from '../tenancy/tokens.ts';
import { maskToken } from './journal.ts';

export const injectableStatuses = [408, 429, 500, 503] as const;

export interface FaultRuleInput {
  readonly Operation?: string | null;
  readonly AccessToken?: string | null;
  readonly Probability?: number | null;
  readonly Count?: number | null;
  readonly Status?: number | null;
  readonly RetryAfterSeconds?: number | null;
  readonly LatencyMs?: number | null;
}

export interface FaultRule {
  readonly Id: string;
  readonly Operation: string | null;
  /** Masked: the rule matches by the token's hash. */
  readonly AccessToken: string | null;
  readonly Probability: number;
  /** How many more calls it answers; null for no limit. */
  readonly RemainingCount: number | null;
  readonly Status: number | null;
  readonly RetryAfterSeconds: number | null;
  readonly LatencyMs: number | null;
  readonly InjectedCount: number;
}

interface StoredRule {
  rule: FaultRule;
  tokenHash: string | null;
}

const statusMessages: Record<number, string> = {
  408: 'Request timeout (injected fault).',
  429: 'Too many requests (injected fault).',
  500: 'Internal server error (injected fault).',
  503: 'Service unavailable (injected fault).',
};

function injectedError(status: number, source: string, retryAfterSeconds: number | null): ApiError {
  const headers: Record<string, string> = { 'Connector-Fault': source };
  if (status === 429) headers['Retry-After'] = String(retryAfterSeconds ?? 1);
  return new ApiError(status, statusMessages[status]!, `Injected by the control plane (${source}); not a real error.`, headers);
}

/** Edits (insert, delete, replace) between two names, ignoring case: how close a misspelling is. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * A rule's Operation must name an operation of the registry: a misspelt one would be accepted and
 * never fire, which looks exactly like a client that copes with the fault.
 */
function checkOperation(operation: string): void {
  const names = Object.keys(operations);
  if (names.includes(operation)) return;
  const [resource = '', action = ''] = operation.split('/');
  const close = names
    .map((name) => ({ name, edits: distance(name, operation) }))
    .filter(({ name, edits }) => edits <= Math.max(2, Math.floor(operation.length / 8)) || name.toLowerCase() === operation.toLowerCase()
      || name.startsWith(`${resource}/`) || name.endsWith(`/${action}`) && distance(name.split('/')[0]!, resource) <= 3)
    .sort((a, b) => a.edits - b.edits)
    .slice(0, 4)
    .map(({ name }) => name);
  throw invalidParameter('Operation', close.length
    ? `"${operation}" is not an operation; did you mean ${close.join(', ')}?`
    : `"${operation}" is not an operation; the operations are ${names.join(', ')}.`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultInjector {
  private rules: StoredRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(input: FaultRuleInput): FaultRule {
    if (input.Status == null && input.LatencyMs == null) throw invalidParameter('Status', 'a rule needs a Status, a LatencyMs, or both.');
    if (input.Operation != null) checkOperation(input.Operation);
    const rule: FaultRule = {
      Id: randomUUID(),
      Operation: input.Operation ?? null,
      AccessToken: input.AccessToken ? maskToken(input.AccessToken) : null,
      Probability: input.Probability ?? 1,
      RemainingCount: input.Count ?? null,
      Status: input.Status ?? null,
      RetryAfterSeconds: input.RetryAfterSeconds ?? null,
      LatencyMs: input.LatencyMs ?? null,
      InjectedCount: 0,
    };
    this.rules.push({ rule, tokenHash: input.AccessToken ? hashToken(input.AccessToken) : null });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.Id !== id.toLowerCase());
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Runs after authentication: waits and/or throws the injected answer for a matching call. */
  async apply(operation: string, request: FastifyRequest, preferences: readonly FaultPreference[]): Promise<void> {
    const preferred = preferredFault(preferences);
    if (preferred) {
      request.injectedFault = 'prefer';
      if (preferred.latencyMs) await sleep(preferred.latencyMs);
      if (preferred.status) throw injectedError(preferred.status, 'prefer', 1);
    }
    if (this.rules.length === 0) return;
    const tokenHash = request.principal?.accessTokenHash;
    for (const stored of this.rules) {
      const { rule } = stored;
      if (rule.Operation && rule.Operation !== operation) continue;
      if (stored.tokenHash && stored.tokenHash !== tokenHash) continue;
      if (rule.RemainingCount !== null && rule.RemainingCount <= 0) continue;
      if (rule.Probability < 1 && this.random() >= rule.Probability) continue;
      stored.rule = {
        ...rule,
        RemainingCount: rule.RemainingCount === null ? null : rule.RemainingCount - 1,
        InjectedCount: rule.InjectedCount + 1,
      };
      request.injectedFault = rule.Id;
      if (rule.LatencyMs) await sleep(rule.LatencyMs);
      if (rule.Status) throw injectedError(rule.Status, rule.Id, rule.RetryAfterSeconds);
      return;
    }
  }
}

/** One preference of the `Prefer` header, as the API parses it (lower-cased, no whitespace). */
export interface FaultPreference {
  readonly name: string;
  readonly value: string;
}

/** `Prefer: code=429` and/or `Prefer: latency=250`, validated like any input. */
function preferredFault(preferences: readonly FaultPreference[]): { status?: number; latencyMs?: number } | undefined {
  let found: { status?: number; latencyMs?: number } | undefined;
  for (const { name, value } of preferences) {
    if (name === 'code') {
      const status = Number(value);
      if (!(injectableStatuses as readonly number[]).includes(status)) {
        throw invalidParameter('Prefer', `code must be one of ${injectableStatuses.join(', ')}.`);
      }
      found = { ...found, status };
    } else if (name === 'latency') {
      const latencyMs = Number(value);
      if (!/^\d+$/.test(value) || latencyMs > 60_000) throw invalidParameter('Prefer', 'latency must be whole milliseconds, at most 60000.');
      found = { ...found, latencyMs };
    }
  }
  return found;
}
