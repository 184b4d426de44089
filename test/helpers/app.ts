// A real app on a real, fresh database for each test file, driven through HTTP with app.inject.
// `dialects` lists the databases every HTTP test runs against.
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp, openStore } from '../../src/app.ts';
import { loadSettings, type Settings } from '../../src/settings.ts';
import type { Store } from '../../src/store/connect.ts';
import type { TenancySeed } from '../../src/tenancy/seed.ts';
import { testTenancy } from './tenancy.ts';

export interface Dialect {
  readonly name: string;
  readonly databaseUrl: () => Promise<string>;
  /** A fresh database that outlives the app started on it, for restart tests. */
  readonly persistentDatabaseUrl: () => Promise<string>;
  /** Settings this database is served with, before the test's own. */
  readonly env?: Readonly<Record<string, string>>;
}

const postgresUrl = inject('postgresUrl');

/**
 * A schema of its own for each app, so test files and runs never see each other's data. The run's
 * schemas are dropped together when it ends (test/global-setup.ts): a DROP SCHEMA beside another
 * file's migrations can break that file's catalog introspection.
 */
const freshPostgresSchema = () => {
  const url = new URL(postgresUrl!);
  url.searchParams.set('schema', `${inject('schemaPrefix')}${randomUUID().replace(/-/g, '').slice(0, 16)}`);
  return url.toString();
};

const temporarySqliteFile = async () => join(await mkdtemp(join(tmpdir(), 'loyalty-connector-test-')), 'loyalty.db');

export const dialects: readonly Dialect[] = [
  {
    name: 'sqlite',
    databaseUrl: async () => ':memory:',
    persistentDatabaseUrl: temporarySqliteFile,
  },
  // Present when test/global-setup.ts reached PostgreSQL; it says so loudly when it did not.
  ...(postgresUrl
    ? [{ name: 'postgres', databaseUrl: async () => freshPostgresSchema(), persistentDatabaseUrl: async () => freshPostgresSchema() }]
    : []),
];

/**
 * A SQLite file whose read-only requests run on two reader threads (an in-memory database has none):
 * the suites that pin the published behaviour run on it too.
 */
export const sqliteReaderThreads: Dialect = {
  name: 'sqlite file, reader threads',
  databaseUrl: temporarySqliteFile,
  persistentDatabaseUrl: temporarySqliteFile,
  env: { SQLITE_READERS: '2' },
};

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly settings: Settings;
  /** POST a JSON body (an object is serialized; a string is sent as is). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POST to /api/connector/v1/{operation} and parse the JSON answer. */
  call(operation: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: LightMyRequestResponse['headers'] }>;
  close(): Promise<void>;
}

export async function startTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
  extra: {
    logStream?: NodeJS.WritableStream;
    /** Seeds applied after the file or demo tenancy; the test tenancy by default. */
    extraSeeds?: readonly TenancySeed[];
    /** The app's clock (test/helpers/clock.ts); the system clock by default. */
    clock?: () => Date;
  } = {},
): Promise<TestApp> {
  const settings = loadSettings({ LOG_LEVEL: 'silent', RATE_LIMIT: 'off', DEMO_DATA: 'off', ...dialect.env, ...env, DATABASE_URL: env.DATABASE_URL ?? await dialect.databaseUrl() });
  const store = await openStore(settings, extra.extraSeeds ?? [testTenancy]);
  const app = buildApp(settings, {
    store,
    ...(extra.logStream ? { logStream: extra.logStream } : {}),
    ...(extra.clock ? { clock: extra.clock } : {}),
  });
  await app.ready();
  const post: TestApp['post'] = (path, body, headers = {}) =>
    app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    app,
    store,
    settings,
    post,
    async call(operation, body, headers) {
      const response = await post(`/api/connector/v1/${operation}`, body, headers);
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isLowercaseUuid = (value: unknown) => typeof value === 'string' && uuidPattern.test(value);
