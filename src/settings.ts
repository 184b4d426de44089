// Settings: environment variables and command-line flags turned into one typed object.
// This is the only module that reads process.env, so every knob is listed here and in the README.
import { availableParallelism } from 'node:os';

export interface RateLimitSetting {
  readonly requests: number;
  readonly windowMs: number;
}

export interface Settings {
  readonly host: string;
  /** 0 takes a free port. */
  readonly port: number;
  /** `./data/loyalty.db`, `:memory:`, a file path, or `postgres://…` (`sqlite:`/`file:` URLs arrive as their path). */
  readonly databaseUrl: string;
  /** Path of a tenancy seed file; `undefined` means the built-in demo tenancy. */
  readonly tenantsFile: string | undefined;
  /** `undefined` when the request limit is off. */
  readonly rateLimit: RateLimitSetting | undefined;
  readonly logLevel: string;
  readonly production: boolean;
  readonly bodyLimitBytes: number;
  /** Processing time after which a request answers 408. */
  readonly requestTimeoutMs: number;
  /** PostgreSQL connections per instance. */
  readonly databasePoolSize: number;
  /** PostgreSQL statement_timeout; a statement past it is cancelled and the request answers 408. */
  readonly statementTimeoutMs: number;
  /** Redis for the request-limit windows shared by several instances. */
  readonly redisUrl: string | undefined;
  /** The control plane under /_connector/ and the console at /console. On with the demo tenancy unless set. */
  readonly controlApi: boolean;
  /** When set, control-plane calls need `Authorization: Bearer <ADMIN_TOKEN>`. */
  readonly adminToken: string | undefined;
  /** How many API calls the request journal keeps (control plane only); 0 turns it off. */
  readonly journalSize: number;
  /** How many bytes of bodies and answers the request journal keeps at most. */
  readonly journalBytes: number;
  /** The largest snapshot the control plane reads (POST /_connector/snapshot). */
  readonly snapshotBodyLimitBytes: number;
  /** SQLite file: reader threads for the statements of read-only requests; 0 reads on the request thread. */
  readonly sqliteReaders: number;
  /** Memory for answers of repeatable reads kept until what they read is written; 0 turns it off. */
  readonly answerCacheBytes: number;
  /** Webhook delivery: how long events gather into one message, the first retry delay (doubling), attempts, timeout of one. */
  readonly webhookBatchMs: number;
  readonly webhookRetryDelayMs: number;
  readonly webhookAttempts: number;
  readonly webhookTimeoutMs: number;
  /** With the built-in demo tenancy: its demo loyalty records in a chain that has none (start, reset). */
  readonly demoData: boolean;
}

export class SettingsError extends Error {}

/**
 * SQLite reader threads: one per core beyond the request thread's, at most four, and none on two
 * cores or fewer. There the second core already carries the kernel's network work and whatever else
 * runs; a reader thread measured +36% on small reads, nothing on 54 KB pages, and 30–50 MB of memory
 * (BENCHMARKS.md).
 */
export const defaultSqliteReaders = (cores = availableParallelism()) => (cores <= 2 ? 0 : Math.min(4, cores - 1));

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name === '::ffff:127.0.0.1';
}

/**
 * The control plane can wipe and read every chain: it is never served to the network unguarded, and
 * an ADMIN_TOKEN set but empty (a typo in a deployment file) is not taken to mean "open".
 */
function checkControlPlaneGuard(settings: Settings, env: NodeJS.ProcessEnv): void {
  if (env[settingNames.adminToken] !== undefined && env[settingNames.adminToken]!.trim() === '') {
    throw new SettingsError(`${settingNames.adminToken} is set but empty: set it to a long random secret (ADMIN_TOKEN=$(openssl rand -hex 32)) or unset it`);
  }
  if (settings.controlApi && settings.adminToken === undefined && !isLoopbackAddress(settings.host)) {
    throw new SettingsError(
      `the control plane would be open to the network on ${settingNames.host}=${settings.host}: set ${settingNames.adminToken}=<secret> (e.g. ADMIN_TOKEN=$(openssl rand -hex 32)) or ${settingNames.controlApi}=off`,
    );
  }
}

export const settingNames = {
  host: 'HOST',
  port: 'PORT',
  databaseUrl: 'DATABASE_URL',
  tenantsFile: 'TENANTS_FILE',
  rateLimit: 'RATE_LIMIT',
  logLevel: 'LOG_LEVEL',
  bodyLimit: 'BODY_LIMIT',
  requestTimeout: 'REQUEST_TIMEOUT_MS',
  databasePoolSize: 'DATABASE_POOL_SIZE',
  statementTimeout: 'DATABASE_STATEMENT_TIMEOUT_MS',
  redisUrl: 'REDIS_URL',
  controlApi: 'CONTROL_API',
  adminToken: 'ADMIN_TOKEN',
  journalSize: 'JOURNAL_SIZE',
  journalBytes: 'JOURNAL_BYTES',
  snapshotBodyLimit: 'SNAPSHOT_BODY_LIMIT',
  answerCache: 'ANSWER_CACHE',
  sqliteReaders: 'SQLITE_READERS',
  webhookBatchMs: 'WEBHOOK_BATCH_MS',
  webhookRetryDelayMs: 'WEBHOOK_RETRY_DELAY_MS',
  webhookAttempts: 'WEBHOOK_ATTEMPTS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  demoData: 'DEMO_DATA',
} as const;

const defaults = {
  host: '127.0.0.1',
  port: '8080',
  databaseUrl: './data/loyalty.db',
  rateLimit: '200/30s',
  logLevel: 'info',
  bodyLimit: '5mb',
  requestTimeout: '30000',
  databasePoolSize: '10',
  statementTimeout: '30000',
  answerCache: '16mb',
  webhookBatchMs: '1000',
  webhookRetryDelayMs: '120000',
  webhookAttempts: '5',
  webhookTimeoutMs: '5000',
  journalBytes: '32mb',
  snapshotBodyLimit: '64mb',
  journalSize: '500',
};

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * What each setting is, for `--help`: its flag (when it has one; the others are environment-only)
 * and a line saying what it takes. Keyed like settingNames, so a new setting cannot go unlisted.
 */
export const settingHelp: Record<keyof typeof settingNames, { readonly flag?: string; readonly value: string; readonly text: string }> = {
  host: { flag: 'host', value: '<address>', text: `listen address (default ${defaults.host}; 0.0.0.0 for every interface)` },
  port: { flag: 'port', value: '<number>', text: `listen port (default ${defaults.port}; 0 takes a free one)` },
  databaseUrl: { flag: 'database', value: '<url|path>', text: `postgres://…, sqlite:PATH, file:PATH, a file path or :memory: (default ${defaults.databaseUrl})` },
  tenantsFile: { flag: 'tenants', value: '<file>', text: 'tenancy seed file (default: the built-in demo tenancy)' },
  rateLimit: { flag: 'rate-limit', value: '<n/window>', text: `requests per access token in a sliding window (default ${defaults.rateLimit}); off disables` },
  logLevel: { flag: 'log-level', value: '<level>', text: `${logLevels.join(', ')} (default ${defaults.logLevel}; debug also prints stack traces of CLI errors)` },
  bodyLimit: { flag: 'body-limit', value: '<size>', text: `largest request body (default ${defaults.bodyLimit}); larger ones get 413` },
  requestTimeout: { flag: 'request-timeout', value: '<ms>', text: `processing time before a request gets 408 (default ${defaults.requestTimeout})` },
  sqliteReaders: { value: '<number>', text: `SQLite reader threads for read-only requests (default: cores - 1, at most 4, none on 2 cores or fewer; here ${defaultSqliteReaders()}); 0 reads on the request thread` },
  answerCache: { flag: 'answer-cache', value: '<size>', text: `memory for getAll answers kept until what they read is written (default ${defaults.answerCache}); off disables` },
  databasePoolSize: { value: '<number>', text: `PostgreSQL connections per instance (default ${defaults.databasePoolSize})` },
  statementTimeout: { value: '<ms>', text: `PostgreSQL statement timeout (default ${defaults.statementTimeout})` },
  redisUrl: { value: '<redis://…>', text: 'Redis shared by several instances for the request limit (default: PostgreSQL, or this process)' },
  controlApi: { value: 'on|off', text: 'control plane under /_connector/ and the console (default on with the demo tenancy, off with TENANTS_FILE)' },
  adminToken: { value: '<token>', text: 'when set, the control plane needs Authorization: Bearer <token>; required (non-empty) when HOST is not loopback' },
  journalSize: { value: '<number>', text: `API calls the request journal keeps (default ${defaults.journalSize}); 0 turns it off` },
  journalBytes: { value: '<size>', text: `bytes of bodies and answers the request journal keeps at most (default ${defaults.journalBytes})` },
  snapshotBodyLimit: { value: '<size>', text: `largest snapshot POST /_connector/snapshot reads (default ${defaults.snapshotBodyLimit})` },
  webhookBatchMs: { value: '<ms>', text: `events of one integration within this time share a webhook message (default ${defaults.webhookBatchMs})` },
  webhookRetryDelayMs: { value: '<ms>', text: `first retry of a failed webhook attempt, doubling each time (default ${defaults.webhookRetryDelayMs})` },
  webhookAttempts: { value: '<number>', text: `webhook attempts before a message is kept as Discarded (default ${defaults.webhookAttempts})` },
  webhookTimeoutMs: { value: '<ms>', text: `time a webhook receiver has to answer one attempt (default ${defaults.webhookTimeoutMs})` },
  demoData: { value: 'on|off', text: 'with the built-in demo tenancy, its demo programs, tiers and membership in a chain that has none (default on)' },
};

/**
 * DATABASE_URL: PostgreSQL URLs as they are; `sqlite:` and `file:` URLs become the path they name.
 * Anything else that looks like a URL (a scheme, or a scheme's `//` typed without its colon) is refused
 * rather than taken for a file path: `mysql://…` or `postgresql//…` would otherwise create a folder.
 * The message shows the scheme only: the URL may hold a password.
 */
export function parseDatabaseUrl(text: string): string {
  const name = settingNames.databaseUrl;
  const value = text.trim();
  const accepted = 'use postgres://…, postgresql://…, sqlite:PATH, file:PATH, :memory: or a file path';
  if (value === '') throw new SettingsError(`${name} is empty: ${accepted}`);
  if (value === ':memory:') return value;
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!value.slice(scheme.length).startsWith('://')) throw new SettingsError(`${name} must start with ${scheme}:// (two slashes after the colon)`);
    try {
      new URL(value);
    } catch {
      throw new SettingsError(`${name} is not a valid PostgreSQL URL: write it as postgres://user:password@host:5432/database`);
    }
    return value;
  }
  if (scheme === 'sqlite' || scheme === 'file') {
    const rest = value.slice(scheme.length + 1);
    if (rest.includes('?') || rest.includes('#')) throw new SettingsError(`${name}: ${scheme}: URLs take a path only, no ?parameters`);
    if (rest === ':memory:') return ':memory:';
    // file:///abs and sqlite:///abs name an absolute path; sqlite://rel and sqlite:rel a relative one.
    const path = rest.startsWith('///') ? rest.slice(2) : rest.startsWith('//') ? rest.slice(2) : rest;
    if (scheme === 'file' && rest.startsWith('//') && !rest.startsWith('///')) {
      throw new SettingsError(`${name}: file:// URLs need an absolute path (file:///var/lib/loyalty.db) or none of the slashes (file:data/loyalty.db)`);
    }
    if (path === '' || path.endsWith('/')) throw new SettingsError(`${name}: ${scheme}: needs a file name, as in ${scheme}:data/loyalty.db`);
    return decodeURIComponent(path);
  }
  if (scheme) throw new SettingsError(`${name} has the scheme "${scheme}:", which this server does not speak: ${accepted}`);
  const typo = /^([a-z][a-z0-9+.-]+)\/\//i.exec(value)?.[1];
  if (typo) throw new SettingsError(`${name} looks like a URL without its colon ("${typo}//"): write ${typo}://…, or ./${typo}/… for a file`);
  return value;
}

/** HOST: a host name or an IP address, not a URL. */
function parseHost(text: string): string {
  const value = text.trim();
  if (!/^(\[[0-9a-f:.]+\]|[0-9a-f:.]*:[0-9a-f:.]*|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/i.test(value)) {
    throw new SettingsError(`${settingNames.host} must be a host name or IP address such as 127.0.0.1 or 0.0.0.0, not "${text}"`);
  }
  return value.replace(/^\[|\]$/g, '');
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65_535) {
    throw new SettingsError(`${settingNames.port} must be a port number from 0 (a free one) to 65535, not "${text}"`);
  }
  return Number(text);
}

function parseRedisUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^rediss?:\/\/[^\s]+$/i.test(text.trim())) throw new SettingsError(`${settingNames.redisUrl} must be a redis:// or rediss:// URL`);
  return text.trim();
}

/** `200/30s`, `1000/1m`, or `off`. */
export function parseRateLimit(text: string): RateLimitSetting | undefined {
  if (text.trim().toLowerCase() === 'off') return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new SettingsError(`${settingNames.rateLimit} must look like 200/30s or be off, not "${text}"`);
  const requests = Number(match[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[3] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const windowMs = Number(match[2]) * unit;
  if (requests < 1 || windowMs < 1) throw new SettingsError(`${settingNames.rateLimit} needs at least 1 request in a window longer than 0`);
  return { requests, windowMs };
}

/** `5mb`, `512kb`, `1048576`. */
export function parseByteSize(name: string, text: string): number {
  const match = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) throw new SettingsError(`${name} must be a size such as 5mb, not "${text}"`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  const bytes = Number(match[1]) * unit;
  if (bytes < 1) throw new SettingsError(`${name} must be more than 0 bytes, not "${text}"`);
  return bytes;
}

function parsePositiveInteger(name: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text.trim())) throw new SettingsError(`${name} must be a whole number, not "${text}"`);
  const value = Number(text);
  if (value < 1 || value > max) throw new SettingsError(`${name} must be between 1 and ${max}, not ${value}`);
  return value;
}

function parseSwitch(name: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(on|true|1|yes)$/i.test(text)) return true;
  if (/^(off|false|0|no)$/i.test(text)) return false;
  throw new SettingsError(`${name} must be on or off, not "${text}"`);
}

/** Flags override the environment: `--port 9000` wins over `PORT=8000`. */
export type SettingFlags = Partial<Record<keyof typeof settingNames, string>>;

export function loadSettings(env: NodeJS.ProcessEnv = process.env, flags: SettingFlags = {}): Settings {
  const pick = (key: keyof typeof settingNames, fallback?: string): string | undefined =>
    flags[key] ?? (env[settingNames[key]] || undefined) ?? fallback;

  const logLevel = pick('logLevel', defaults.logLevel)!;
  if (!logLevels.includes(logLevel)) throw new SettingsError(`${settingNames.logLevel} must be one of ${logLevels.join(', ')}, not "${logLevel}"`);

  const settings: Settings = {
    host: parseHost(pick('host', defaults.host)!),
    port: parsePort(pick('port', defaults.port)!),
    databaseUrl: parseDatabaseUrl(pick('databaseUrl', defaults.databaseUrl)!),
    tenantsFile: pick('tenantsFile'),
    rateLimit: parseRateLimit(pick('rateLimit', defaults.rateLimit)!),
    logLevel,
    production: env.NODE_ENV === 'production',
    bodyLimitBytes: parseByteSize(settingNames.bodyLimit, pick('bodyLimit', defaults.bodyLimit)!),
    requestTimeoutMs: parsePositiveInteger(settingNames.requestTimeout, pick('requestTimeout', defaults.requestTimeout)!),
    databasePoolSize: parsePositiveInteger(settingNames.databasePoolSize, pick('databasePoolSize', defaults.databasePoolSize)!, 1000),
    statementTimeoutMs: parsePositiveInteger(settingNames.statementTimeout, pick('statementTimeout', defaults.statementTimeout)!),
    redisUrl: parseRedisUrl(pick('redisUrl')),
    controlApi: parseSwitch(settingNames.controlApi, pick('controlApi')) ?? pick('tenantsFile') === undefined,
    adminToken: pick('adminToken'),
    sqliteReaders: parseReaderCount(pick('sqliteReaders')),
    answerCacheBytes: /^\s*(off|0)\s*$/i.test(pick('answerCache') ?? '') ? 0 : parseByteSize(settingNames.answerCache, pick('answerCache', defaults.answerCache)!),
    webhookBatchMs: parsePositiveInteger(settingNames.webhookBatchMs, pick('webhookBatchMs', defaults.webhookBatchMs)!, 3_600_000),
    webhookRetryDelayMs: parsePositiveInteger(settingNames.webhookRetryDelayMs, pick('webhookRetryDelayMs', defaults.webhookRetryDelayMs)!, 86_400_000),
    webhookAttempts: parsePositiveInteger(settingNames.webhookAttempts, pick('webhookAttempts', defaults.webhookAttempts)!, 100),
    webhookTimeoutMs: parsePositiveInteger(settingNames.webhookTimeoutMs, pick('webhookTimeoutMs', defaults.webhookTimeoutMs)!, 600_000),
    demoData: parseSwitch(settingNames.demoData, pick('demoData')) ?? true,
    journalSize: /^0$/.test(pick('journalSize') ?? '') ? 0 : parsePositiveInteger(settingNames.journalSize, pick('journalSize', defaults.journalSize)!, 100_000),
    journalBytes: parseByteSize(settingNames.journalBytes, pick('journalBytes', defaults.journalBytes)!),
    snapshotBodyLimitBytes: parseByteSize(settingNames.snapshotBodyLimit, pick('snapshotBodyLimit', defaults.snapshotBodyLimit)!),
  };
  checkControlPlaneGuard(settings, env);
  return settings;
}

function parseReaderCount(text: string | undefined): number {
  if (text === undefined) return defaultSqliteReaders();
  return /^\s*0\s*$/.test(text) ? 0 : parsePositiveInteger(settingNames.sqliteReaders, text, 64);
}

/** LOG_LEVEL=debug (or trace) also shows the stack trace of an error that stops the command line. */
export function showsStackTraces(env: NodeJS.ProcessEnv = process.env, flags: SettingFlags = {}): boolean {
  return /^(debug|trace)$/i.test(flags.logLevel ?? env[settingNames.logLevel] ?? '');
}
