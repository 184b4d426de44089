// The faults stage: the control plane's injected answers and delays, after authentication (a rule may
// name an access token) and before anything is read or written.
import type { FastifyRequest } from 'fastify';
import type { FaultInjector } from '../control/faults.ts';
import { operationOf } from './operation.ts';
import { preferencesOf } from './prefer.ts';

export function faultInjectionHook(faults: FaultInjector) {
  return async function injectFaults(request: FastifyRequest): Promise<void> {
    await faults.apply(operationOf(request).name, request, preferencesOf(request));
  };
}
