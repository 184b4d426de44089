// Probes for a load balancer or orchestrator: live = the process serves; ready = the database answers
// (and, after a storage failure, takes a write again).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Store } from '../store/connect.ts';
import type { StorageHealth } from '../store/storage-failure.ts';

export const Health = Type.Object({ Status: Type.String(), Database: Type.Optional(Type.String()) }, { title: 'Health' });

export function registerHealth(app: FastifyInstance, store: Store, storage?: StorageHealth): void {
  app.get('/health/live', { schema: { response: { 200: Health } } }, async () => ({ Status: 'live' }));
  app.get('/health/ready', { schema: { response: { 200: Health, 503: Health } } }, async (request, reply) => {
    // After a storage failure, ready again only once a write goes through.
    if (storage?.failure && !(await storage.probeWrite())) {
      return reply.code(503).send({ Status: 'unavailable', Database: storage.failure });
    }
    try {
      await store.ping();
      return { Status: 'ready', Database: 'reachable' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ Status: 'unavailable', Database: 'unreachable' });
    }
  });
}
