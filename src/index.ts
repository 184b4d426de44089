// The embedding API: `startServer()` runs the real server inside a test suite (or any Node program)
// on a free port with a throwaway database, and hands back what a test needs between cases.
import type { FastifyInstance } from 'fastify';
import { buildApp, openStore } from './app.ts';
import { demoAuthentication } from './contract/common.ts';
import type { Snapshot } from './control/snapshots.ts';
import { loadSettings, type Settings } from './settings.ts';

export { demoAuthentication as demoCredentials };
export type { Snapshot };

export interface StartServerOptions {
  /** `:memory:` (default: a throwaway database), a SQLite file, or `postgres://…`. */
  readonly databaseUrl?: string;
  /** A tenancy seed file; the built-in demo tenancy when absent. */
  readonly tenantsFile?: string;
  /** 0 (default) takes a free port. */
  readonly port?: number;
  readonly host?: string;
  /** `200/30s` (default, as published) or `off`. */
  readonly rateLimit?: string;
  /** `warn` by default, so a test run's output stays the test runner's. */
  readonly logLevel?: string;
  /** Any other setting by its environment name (`{ JOURNAL_SIZE: '0' }`); the options above win. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`: the API is under `/api/connector/v1/`, the control plane under `/_connector/`. */
  readonly url: string;
  readonly port: number;
  /** Closes the server and its database; for `:memory:` the data is gone. */
  stop(): Promise<void>;
  /** Puts one chain (or every chain) back to the tenancy seed; fault rules and the journal are cleared too. */
  reset(chainId?: string): Promise<void>;
  /** The loyalty data and accounts of one chain (or of every chain). */
  snapshot(chainId?: string): Promise<Snapshot>;
  /** Replaces the data of the snapshot's chains with it, atomically. */
  load(snapshot: Snapshot): Promise<void>;
}

/** Starts the server with the control plane on. Resolves once it accepts connections. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const environment: Record<string, string> = {
    LOG_LEVEL: 'warn',
    ...options.settings,
    CONTROL_API: 'on',
    DATABASE_URL: options.databaseUrl ?? options.settings?.DATABASE_URL ?? ':memory:',
    ...(options.tenantsFile ? { TENANTS_FILE: options.tenantsFile } : {}),
    ...(options.host ? { HOST: options.host } : {}),
    ...(options.rateLimit ? { RATE_LIMIT: options.rateLimit } : {}),
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
  };
  delete environment.PORT;
  const settings: Settings = { ...loadSettings(environment), port: options.port ?? 0 };
  const store = await openStore(settings);
  const app = buildApp(settings, { store });
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    stop() {
      stopped ??= app.close().then(() => store.close());
      return stopped;
    },
    async reset(chainId) {
      await control(app, settings, 'POST', '/_connector/reset', chainId ? { ChainId: chainId } : {});
      await control(app, settings, 'DELETE', '/_connector/faults');
      if (settings.journalSize > 0) await control(app, settings, 'DELETE', '/_connector/journal');
    },
    async snapshot(chainId) {
      return (await control(app, settings, 'GET', `/_connector/snapshot${chainId ? `?ChainId=${encodeURIComponent(chainId)}` : ''}`)) as Snapshot;
    },
    async load(snapshot) {
      await control(app, settings, 'POST', '/_connector/snapshot', snapshot);
    },
  };
}

/** A control-plane call in process; an error answer becomes an Error carrying its Message. */
async function control(app: FastifyInstance, settings: Settings, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<unknown> {
  const response = await app.inject({
    method,
    url,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(settings.adminToken ? { authorization: `Bearer ${settings.adminToken}` } : {}),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  const answer: unknown = response.body ? JSON.parse(response.body) : undefined;
  if (response.statusCode >= 300) {
    const message = (answer as { Message?: string } | undefined)?.Message ?? response.statusMessage;
    throw new Error(`${method} ${url.split('?')[0]} answered ${response.statusCode}: ${message}`);
  }
  return answer;
}
