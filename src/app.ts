// buildApp: the Fastify instance with its plugins registered in lifecycle order, top to bottom.
// openStore: the database ready to serve (connected, migrated, tenancy applied).
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from './store/database.ts';
import type { Settings } from './settings.ts';
import { connect, migrate, type Store } from './store/connect.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerJsonBodies } from './http/json.ts';
import { registerHealth } from './http/health.ts';
import { packageVersion, registerOpenApi } from './http/openapi.ts';
import { registerHome } from './http/home.ts';
import { redisRateWindows, type RateWindows } from './store/rate-windows.ts';
import { generateRequestId, registerRequestId } from './http/request-id.ts';
import { registerOperationRoutes } from './http/routes.ts';
import { AnswerCache } from './http/answer-cache.ts';
import { applyAccountsSeed } from './loyalty/accounts-seed.ts';
import { FaultInjector } from './control/faults.ts';
import { Journal, registerJournal } from './control/journal.ts';
import { registerControlPlane } from './control/routes.ts';
import { demoTenancy, demoTenancySource } from './tenancy/demo.ts';
import { applyDemoLoyaltyRecords } from './tenancy/demo-loyalty.ts';
import { applyTenancySeed, readTenancySeed, type TenancySeed } from './tenancy/seed.ts';

/** A store ready to serve, with the tenancy seeds that were applied to it (a reset goes back to them). */
export interface OpenedStore extends Store {
  readonly tenancySeeds: readonly TenancySeed[];
}

export interface AppDependencies {
  readonly store: Store | OpenedStore;
  /** Shared request-limit windows; by default kept in this process. */
  readonly rateWindows?: RateWindows;
  /** A pino destination stream, for tests that read the log. */
  readonly logStream?: NodeJS.WritableStream;
}

/** Paths pino blanks out wherever they appear: tokens never reach a log line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.body.ClientToken', 'req.body.AccessToken',
  'body.ClientToken', 'body.AccessToken',
  '*.ClientToken', '*.AccessToken',
];

export function buildApp(settings: Settings, dependencies: AppDependencies): FastifyInstance {
  const app = Fastify({
    logger: {
      level: settings.logLevel,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // The query string is never logged: a client may put a token there by mistake.
      serializers: {
        req: (request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: request.method,
          url: request.url.split('?')[0],
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      ...(dependencies.logStream ? { stream: dependencies.logStream } : {}),
    },
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: settings.bodyLimitBytes,
    // Node's HTTP server limits: a slow or idle client cannot hold a connection for ever.
    connectionTimeout: 120_000,
    keepAliveTimeout: 72_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    ajv: {
      // Deliberate: no coercion ("1" is not a number, 1.5 is not an integer), no defaults injected,
      // unknown properties left alone (they are ignored, as published).
      customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false },
    },
  });

  registerRequestId(app);
  registerJsonBodies(app);
  registerErrorHandling(app, { production: settings.production, bodyLimitBytes: settings.bodyLimitBytes });
  registerHealth(app, dependencies.store);
  app.register(registerOpenApi);
  registerHome(app, { version: packageVersion, console: settings.controlApi });
  const rateWindows = dependencies.rateWindows ?? rateWindowsFor(settings, dependencies.store);
  if (rateWindows) app.addHook('onClose', () => rateWindows.close());
  // The control plane (reset, snapshots, faults, journal, console) exists only when it is on.
  const faults = settings.controlApi ? new FaultInjector() : undefined;
  const journal = settings.controlApi && settings.journalSize > 0 ? new Journal(settings.journalSize) : undefined;
  if (journal) registerJournal(app, journal);
  const answers = new AnswerCache(settings.answerCacheBytes, () => dependencies.store.changeMark());
  app.decorate('answerCache', answers);
  registerOperationRoutes(app, { store: dependencies.store, rateWindows, requestTimeoutMs: settings.requestTimeoutMs, faults, answers });
  if (faults) {
    app.register(registerControlPlane, {
      store: dependencies.store,
      seeds: 'tenancySeeds' in dependencies.store ? dependencies.store.tenancySeeds : [],
      faults,
      journal,
      adminToken: settings.adminToken,
      demoData: settings.demoData && !settings.tenantsFile,
    });
  }
  return app;
}

/** Redis when REDIS_URL is set; otherwise as shared as the database (PostgreSQL) or this process (SQLite). */
function rateWindowsFor(settings: Settings, store: Store): RateWindows | undefined {
  if (!settings.rateLimit) return undefined;
  return settings.redisUrl ? redisRateWindows(settings.redisUrl, settings.rateLimit) : store.rateWindows(settings.rateLimit);
}

/**
 * Connects, migrates, and applies the tenancy: the seed file, or the demo tenancy when there is none,
 * then any seeds given in code (tests).
 */
export async function openStore(settings: Settings, extraSeeds: readonly TenancySeed[] = []): Promise<OpenedStore> {
  const serving = { poolSize: settings.databasePoolSize, statementTimeoutMs: settings.statementTimeoutMs };
  // On PostgreSQL the statement timeout is for requests: migrations and a large seed get a pool of
  // their own without it. (A SQLite store is one connection, and ':memory:' must stay the same one.)
  const separateSetup = /^postgres(ql)?:\/\//.test(settings.databaseUrl);
  const store = await connect(settings.databaseUrl, separateSetup ? { poolSize: 2 } : serving);
  let tenancySeeds: TenancySeed[];
  try {
    await migrate(store);
    const [source, seed] = settings.tenantsFile
      ? [settings.tenantsFile, await readTenancySeed(settings.tenantsFile)]
      : [demoTenancySource, demoTenancy()];
    const application = { applyAccounts: applyAccountsSeed, lock: (trx: Kysely<Database>) => store.lockChains(trx, ['tenancy-seed']) };
    await applyTenancySeed(store.db, source, seed, new Date(), application);
    for (const [index, extra] of extraSeeds.entries()) {
      await applyTenancySeed(store.db, `seed ${index}`, extra, new Date(), application);
    }
    if (settings.demoData && !settings.tenantsFile) {
      await store.db.transaction().execute(async (trx) => {
        await store.lockChains(trx, ['tenancy-seed']);
        await applyDemoLoyaltyRecords(trx, new Date());
      });
    }
    tenancySeeds = [seed, ...extraSeeds];
  } catch (error) {
    await store.close();
    throw error;
  }
  if (!separateSetup) return Object.assign(store, { tenancySeeds });
  await store.close();
  return Object.assign(await connect(settings.databaseUrl, serving), { tenancySeeds });
}
