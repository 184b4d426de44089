// buildApp: the Fastify instance with its plugins registered in lifecycle order, top to bottom.
// openStore: the database ready to serve (connected, migrated, tenancy applied).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from './store/database.ts';
import type { Settings } from './settings.ts';
import { openDatabase, type Store } from './store/connect.ts';
import { listChains } from './store/snapshots.ts';
import { StorageHealth } from './store/storage-failure.ts';
import { clientErrorAnswer, frameworkErrorAnswer, registerErrorHandling } from './http/errors.ts';
import { registerJsonBodies } from './http/json.ts';
import { registerHealth } from './http/health.ts';
import { packageVersion, registerOpenApi } from './http/openapi.ts';
import { registerHome } from './http/home.ts';
import { redisRateWindows, type RateWindows } from './store/rate-windows.ts';
import { generateRequestId, registerRequestId } from './http/request-id.ts';
import { registerOperationRoutes } from './http/routes.ts';
import { AnswerCache, noAnswerCache, registerAnswerCache } from './http/answer-cache.ts';
import { authenticationHook } from './http/authenticate.ts';
import { rateLimitHook } from './http/rate-limit.ts';
import { faultInjectionHook } from './http/fault-injection.ts';
import { transactionStage } from './http/transaction.ts';
import { serializeAnswer } from './http/serialization.ts';
import { applyAccountsSeed } from './loyalty/accounts-seed.ts';
import { FaultInjector } from './control/faults.ts';
import { Journal, registerJournal } from './control/journal.ts';
import { registerControlPlane } from './control/routes.ts';
import { Deliverer } from './events/deliverer.ts';
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
  /** The time a request reads once and stamps on everything it writes; the system clock by default. */
  readonly clock?: () => Date;
}

/**
 * Node's HTTP server limits: a slow or idle client cannot hold a connection for ever. The keep-alive
 * outlasts the 60 s idle timeout common to load balancers, so they close first and never reuse a
 * connection this side has just closed.
 */
const connectionTimeoutMs = 120_000;
const keepAliveTimeoutMs = 72_000;
const requestTimeoutMs = 120_000;

/** Paths pino blanks out wherever they appear: tokens never reach a log line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.body.ClientToken', 'req.body.AccessToken',
  'body.ClientToken', 'body.AccessToken',
  '*.ClientToken', '*.AccessToken',
  // Webhook URLs carry the receiver's shared secret.
  'req.body.GeneralWebhookUrl', 'req.body.IntegrationWebhookUrl', '*.GeneralWebhookUrl', '*.IntegrationWebhookUrl',
  // The spellings a client may use by mistake are blanked too.
  'req.body.clientToken', 'req.body.accessToken', '*.clientToken', '*.accessToken', '*.client_token', '*.access_token',
];

/** Webhook attempts in flight at once, per instance. */
export const webhookConcurrency = 8;

/** The Fastify instance's own settings: logging without secrets, server limits, strict validation. */
function serverOptions(settings: Settings, dependencies: AppDependencies): FastifyServerOptions {
  return {
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
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    requestTimeout: requestTimeoutMs,
    return503OnClosing: true,
    clientErrorHandler: clientErrorAnswer(settings.production),
    frameworkErrors: frameworkErrorAnswer(settings.production),
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    ajv: {
      // Deliberate: no coercion ("1" is not a number, 1.5 is not an integer), no defaults injected,
      // unknown properties left alone (they are ignored, as published).
      customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false },
    },
  };
}

export function buildApp(settings: Settings, dependencies: AppDependencies): FastifyInstance {
  const app = Fastify(serverOptions(settings, dependencies));
  registerRequestId(app);
  registerJsonBodies(app);
  const storage = new StorageHealth(dependencies.store.db);
  registerErrorHandling(app, { production: settings.production, bodyLimitBytes: settings.bodyLimitBytes, storage, ping: () => dependencies.store.ping() });
  registerHealth(app, dependencies.store, storage);
  app.register(registerOpenApi);
  registerHome(app, { version: packageVersion, console: settings.controlApi });
  const rateWindows = dependencies.rateWindows ?? rateWindowsFor(settings, dependencies.store);
  if (rateWindows) app.addHook('onClose', () => rateWindows.close());
  // The control plane (reset, snapshots, faults, journal, console) exists only when it is on.
  const faults = settings.controlApi ? new FaultInjector() : undefined;
  const journal = settings.controlApi && settings.journalSize > 0 ? new Journal({ capacity: settings.journalSize, budgetBytes: settings.journalBytes }) : undefined;
  if (journal) registerJournal(app, journal, dependencies.store.db);
  const answers = answerCacheFor(settings, dependencies.store);
  app.decorate('answerCache', answers ?? noAnswerCache);
  const { store, clock = () => new Date() } = dependencies;

  // The operations of the registry. Every call passes these stages, in this order: authentication,
  // request limit, faults (preValidation), answer cache (preHandler, and onSend to keep an answer),
  // transaction, handler, serialization (the route itself, http/routes.ts).
  app.register(async (api) => {
    // Token lookups are reads: on SQLite's reader threads they do not wait behind an open write.
    api.addHook('preValidation', authenticationHook(store.readDb, store.changes));
    if (rateWindows) api.addHook('preValidation', rateLimitHook(rateWindows));
    if (faults) api.addHook('preValidation', faultInjectionHook(faults));
    if (answers) registerAnswerCache(api, answers);
    registerOperationRoutes(api, {
      transaction: transactionStage(store, settings.requestTimeoutMs, clock),
      serialization: serializeAnswer,
    });
  });
  // Webhook delivery runs beside the server, off the request path, from ready to close.
  const deliverer = new Deliverer(store.db, {
    batchMs: settings.webhookBatchMs, retryDelayMs: settings.webhookRetryDelayMs, attempts: settings.webhookAttempts,
    timeoutMs: settings.webhookTimeoutMs, concurrency: webhookConcurrency,
  }, app.log);
  app.addHook('onReady', async () => deliverer.start());
  app.addHook('onClose', async () => deliverer.stop());
  if (faults) {
    app.register(registerControlPlane, {
      store: dependencies.store,
      seeds: 'tenancySeeds' in dependencies.store ? dependencies.store.tenancySeeds : [],
      faults,
      journal,
      adminToken: settings.adminToken,
      deliverer,
      snapshotBodyLimitBytes: settings.snapshotBodyLimitBytes,
      demoData: settings.demoData && !settings.tenantsFile,
    });
  }
  return app;
}

/** A cache only if wanted; it learns of writes as the store tells them (see http/answer-cache.ts). */
function answerCacheFor(settings: Settings, store: Store): AnswerCache | undefined {
  return settings.answerCacheBytes === 0 ? undefined : new AnswerCache(settings.answerCacheBytes, store.changes);
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
  const serving = { poolSize: settings.databasePoolSize, statementTimeoutMs: settings.statementTimeoutMs, exclusive: true, readers: settings.sqliteReaders };
  let tenancySeeds: TenancySeed[] = [];
  const store = await openDatabase(settings.databaseUrl, serving, async (setUp) => {
    const [source, seed] = settings.tenantsFile
      ? [settings.tenantsFile, await readTenancySeed(settings.tenantsFile)]
      : [demoTenancySource, demoTenancy()];
    // One seed at a time, then every chain, in order, as any writer of chains takes them: a seed's
    // account writes move its chains' change marks (PostgreSQL), and rows of those taken in another
    // order than a request's locks could deadlock with that request.
    const lockForSeed = async (trx: Kysely<Database>) => {
      await setUp.lockChains(trx, ['tenancy-seed']);
      await setUp.lockChains(trx, (await listChains(trx)).map((chain) => chain.id));
    };
    const application = { applyAccounts: applyAccountsSeed, lock: lockForSeed };
    await applyTenancySeed(setUp.db, source, seed, new Date(), application);
    for (const [index, extra] of extraSeeds.entries()) {
      await applyTenancySeed(setUp.db, `seed ${index}`, extra, new Date(), application);
    }
    if (settings.demoData && !settings.tenantsFile) {
      await setUp.db.transaction().execute(async (trx) => {
        await lockForSeed(trx);
        await applyDemoLoyaltyRecords(trx, new Date());
      });
    }
    tenancySeeds = [seed, ...extraSeeds];
  });
  return Object.assign(store, { tenancySeeds });
}
