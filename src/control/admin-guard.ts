// src/control: the control plane under /_connector/ for people testing an integration (reset,
// snapshots, faults, the journal, webhooks, integrations, the front desk) and the console's files.
//
// Who may use the control plane. With ADMIN_TOKEN: `Authorization: Bearer <token>`, and an address
// that keeps guessing wrong is turned away for a while. Without it (allowed only on a loopback
// address, see settings.ts): only requests addressed to a loopback Host name, so a web page cannot
// reach the control plane through DNS rebinding.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError, tooManyRequests } from '../loyalty/errors.ts';

/** Wrong tokens an address may send per window before it is turned away until the window ends. */
export const maxAdminFailures = 10;
export const adminFailureWindowMs = 60_000;
/** Addresses remembered at most; the oldest goes first. */
const maxRememberedAddresses = 10_000;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `localhost`, `127.0.0.1`, `[::1]`, with or without a port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return ['localhost', '127.0.0.1', '[::1]'].includes(name.toLowerCase()) && /^(\[[^\]]*\]|[^:]*)(:\d{1,5})?$/.test(host);
}

const notLoopback = () => new ApiError(
  403,
  'Forbidden: without ADMIN_TOKEN the control plane answers only requests addressed to localhost, 127.0.0.1 or [::1].',
  'Host',
);

const wrongToken = () => new ApiError(401, 'Invalid admin token: control-plane calls need Authorization: Bearer <ADMIN_TOKEN>.');

/** The onRequest check of every control-plane and console route: runs before any body is read. */
export function adminGuard(adminToken: string | undefined, now: () => number = Date.now) {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  const failures = new Map<string, { count: number; since: number }>();

  return async function guardControlPlane(request: FastifyRequest): Promise<void> {
    if (!expected) {
      if (!isLoopbackHostHeader(request.headers.host)) throw notLoopback();
      return;
    }
    const address = request.ip;
    const time = now();
    const seen = failures.get(address);
    if (seen && time - seen.since >= adminFailureWindowMs) failures.delete(address);
    const current = failures.get(address);
    if (current && current.count >= maxAdminFailures) {
      throw tooManyRequests(Math.max(1, Math.ceil((current.since + adminFailureWindowMs - time) / 1000)));
    }
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (timingSafeEqual(digest(token), expected)) return;
    if (current) current.count++;
    else {
      if (failures.size >= maxRememberedAddresses) failures.delete(failures.keys().next().value!);
      failures.set(address, { count: 1, since: time });
    }
    throw wrongToken();
  };
}

/** For the console's static files, which hold no data: only the Host check (the page asks for the token). */
export function consoleGuard(adminToken: string | undefined) {
  return async function guardConsole(request: FastifyRequest): Promise<void> {
    if (adminToken === undefined && !isLoopbackHostHeader(request.headers.host)) throw notLoopback();
  };
}
