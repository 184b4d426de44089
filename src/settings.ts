// Settings: environment variables and command-line flags turned into one typed object.
// This is the only module that reads process.env, so every knob is listed here and in the README.

export interface RateLimitSetting {
  readonly requests: number;
  readonly windowMs: number;
}

export interface Settings {
  readonly host: string;
  readonly port: number;
  /** `./data/loyalty.db`, `:memory:`, a file path, or `postgres://…`. */
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
  /** Memory for answers of repeatable reads kept until the next write (SQLite only); 0 turns it off. */
  readonly answerCacheBytes: number;
  /** Webhook delivery: how long events gather into one message, the first retry delay (doubling), attempts, timeout of one. */
  readonly webhookBatchMs: number;
  readonly webhookRetryDelayMs: number;
  readonly webhookAttempts: number;
  readonly webhookTimeoutMs: number;
}

export class SettingsError extends Error {}

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
  webhookBatchMs: 'WEBHOOK_BATCH_MS',
  webhookRetryDelayMs: 'WEBHOOK_RETRY_DELAY_MS',
  webhookAttempts: 'WEBHOOK_ATTEMPTS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
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
  answerCache: '64mb',
  webhookBatchMs: '1000',
  webhookRetryDelayMs: '120000',
  webhookAttempts: '5',
  webhookTimeoutMs: '5000',
  journalBytes: '32mb',
  snapshotBodyLimit: '64mb',
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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
  return Number(match[1]) * unit;
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
    host: pick('host', defaults.host)!,
    port: parsePositiveInteger(settingNames.port, pick('port', defaults.port)!, 65_535),
    databaseUrl: pick('databaseUrl', defaults.databaseUrl)!,
    tenantsFile: pick('tenantsFile'),
    rateLimit: parseRateLimit(pick('rateLimit', defaults.rateLimit)!),
    logLevel,
    production: env.NODE_ENV === 'production',
    bodyLimitBytes: parseByteSize(settingNames.bodyLimit, pick('bodyLimit', defaults.bodyLimit)!),
    requestTimeoutMs: parsePositiveInteger(settingNames.requestTimeout, pick('requestTimeout', defaults.requestTimeout)!),
    databasePoolSize: parsePositiveInteger(settingNames.databasePoolSize, pick('databasePoolSize', defaults.databasePoolSize)!, 1000),
    statementTimeoutMs: parsePositiveInteger(settingNames.statementTimeout, pick('statementTimeout', defaults.statementTimeout)!),
    redisUrl: pick('redisUrl'),
    controlApi: parseSwitch(settingNames.controlApi, pick('controlApi')) ?? pick('tenantsFile') === undefined,
    adminToken: pick('adminToken'),
    answerCacheBytes: /^\s*(off|0)\s*$/i.test(pick('answerCache') ?? '') ? 0 : parseByteSize(settingNames.answerCache, pick('answerCache', defaults.answerCache)!),
    webhookBatchMs: parsePositiveInteger(settingNames.webhookBatchMs, pick('webhookBatchMs', defaults.webhookBatchMs)!, 3_600_000),
    webhookRetryDelayMs: parsePositiveInteger(settingNames.webhookRetryDelayMs, pick('webhookRetryDelayMs', defaults.webhookRetryDelayMs)!, 86_400_000),
    webhookAttempts: parsePositiveInteger(settingNames.webhookAttempts, pick('webhookAttempts', defaults.webhookAttempts)!, 100),
    webhookTimeoutMs: parsePositiveInteger(settingNames.webhookTimeoutMs, pick('webhookTimeoutMs', defaults.webhookTimeoutMs)!, 600_000),
    journalSize: /^0$/.test(pick('journalSize') ?? '') ? 0 : parsePositiveInteger(settingNames.journalSize, pick('journalSize', '500')!, 100_000),
    journalBytes: parseByteSize(settingNames.journalBytes, pick('journalBytes', defaults.journalBytes)!),
    snapshotBodyLimitBytes: parseByteSize(settingNames.snapshotBodyLimit, pick('snapshotBodyLimit', defaults.snapshotBodyLimit)!),
  };
  checkControlPlaneGuard(settings, env);
  return settings;
}
