// The command line: `loyalty-connector [serve]` (default), `migrate`, `openapi`, `snapshot save|load`.
// It speaks to people: help for each command, one-line errors that say what to do (the stack trace
// only with LOG_LEVEL=debug), and on a terminal a banner with the addresses to open.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadSnapshot, readSnapshot, saveSnapshot, withEveryChainLocked, type Snapshot } from './control/snapshots.ts';
import { ApiError } from './loyalty/errors.ts';
import { buildOpenApiDocument, packageVersion } from './http/openapi.ts';
import { buildApp, openStore } from './app.ts';
import { connect, migrate, StoreError } from './store/connect.ts';
import { DatabaseFileError } from './store/storage-failure.ts';
import { loadSettings, settingHelp, settingNames, SettingsError, showsStackTraces, type SettingFlags, type Settings } from './settings.ts';
import { TenancySeedError } from './tenancy/seed.ts';

type SettingKey = keyof typeof settingNames;

interface Command {
  readonly usage: string;
  readonly summary: string;
  /** The settings it reads: those with a flag are listed as options, the others as environment-only. */
  readonly settings: readonly SettingKey[];
  readonly options?: Readonly<Record<string, { value: string; text: string }>>;
  readonly details?: string;
}

const everySetting = Object.keys(settingNames) as SettingKey[];
const storeSettings: SettingKey[] = ['databaseUrl', 'tenantsFile', 'logLevel', 'databasePoolSize', 'statementTimeout'];

const commands: Record<string, Command> = {
  serve: {
    usage: 'loyalty-connector [serve] [options]',
    summary: 'Migrate the database, apply the tenancy, and serve the API (the default command)',
    settings: everySetting,
    details: 'Stop with Ctrl+C or SIGTERM: requests in flight finish first.',
  },
  migrate: {
    usage: 'loyalty-connector migrate [options]',
    summary: 'Bring the database schema up to date and exit',
    settings: ['databaseUrl', 'logLevel'],
  },
  openapi: {
    usage: 'loyalty-connector openapi [FILE]',
    summary: 'Print the OpenAPI 3.1 document, or write it to FILE',
    settings: [],
  },
  snapshot: {
    usage: 'loyalty-connector snapshot save FILE [--chain ID] [options]\n       loyalty-connector snapshot load FILE [options]',
    summary: 'Save the loyalty data and accounts (of one chain) to FILE, or load FILE in their place, atomically',
    settings: storeSettings,
    options: { chain: { value: '<ChainId>', text: 'save one chain only (default: every chain)' } },
    details: 'save creates the folders of FILE; load replaces the data of the chains in FILE and nothing else.',
  },
};

const common = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } } as const;

function optionsOf(command: Command): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { ...common };
  for (const key of command.settings) {
    const flag = settingHelp[key].flag;
    if (flag) options[flag] = { type: 'string' };
  }
  for (const name of Object.keys(command.options ?? {})) options[name] = { type: 'string' };
  return options;
}

const column = (left: string, right: string) => `  ${left.padEnd(32)} ${right}\n`;

function commandHelp(name: string): string {
  const command = commands[name]!;
  let text = `${command.summary}.\n\nUsage: ${command.usage}\n`;
  const flagged = command.settings.filter((key) => settingHelp[key].flag);
  const environmentOnly = command.settings.filter((key) => !settingHelp[key].flag);
  text += '\nOptions (each overrides its environment variable):\n';
  for (const [option, help] of Object.entries(command.options ?? {})) text += column(`--${option} ${help.value}`, help.text);
  for (const key of flagged) {
    const help = settingHelp[key];
    text += column(`--${help.flag} ${help.value}`, `${settingNames[key]}: ${help.text}`);
  }
  text += column('-h, --help', 'show this help');
  if (environmentOnly.length) {
    text += '\nEnvironment only:\n';
    for (const key of environmentOnly) text += column(`${settingNames[key]}=${settingHelp[key].value}`, settingHelp[key].text);
    if (name === 'serve') text += column('NODE_ENV=production', 'error bodies carry no Details');
  }
  if (command.details) text += `\n${command.details}\n`;
  return text;
}

const globalHelp = `Loyalty Connector ${packageVersion}: the customer-loyalty surface of the hotel Connector API, on a real database.

Usage: loyalty-connector [command] [options]

Commands:
${Object.entries(commands).map(([name, command]) => column(name, command.summary)).join('')}
Run \`loyalty-connector <command> --help\` for a command's options and environment settings.
  -v, --version                    print the version
`;

/** Thrown for a command line that cannot run as written; main prints its message and the hint. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  const name = first === undefined || first.startsWith('-') ? 'serve' : first === 'help' ? (argv[1] ?? 'help') : first;
  if (first === 'help' && name === 'help') {
    process.stdout.write(globalHelp);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}": the commands are ${Object.keys(commands).join(', ')} (see loyalty-connector --help)`);
  const args = first === undefined || first.startsWith('-') ? argv : first === 'help' ? ['--help'] : argv.slice(1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: optionsOf(command) });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]!.replace(/\. To specify .*$|\.$/, '')} (see loyalty-connector ${name} --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.version) {
    process.stdout.write(`${packageVersion}\n`);
    return 0;
  }
  if (values.help) {
    process.stdout.write(first === undefined || first.startsWith('-') ? `${globalHelp}\n${commandHelp('serve')}` : commandHelp(name));
    return 0;
  }
  const flags: SettingFlags = {};
  for (const key of command.settings) {
    const flag = settingHelp[key].flag;
    if (flag && typeof values[flag] === 'string') flags[key] = values[flag];
  }
  const positionals = parsed.positionals;

  if (name === 'openapi') {
    if (positionals.length > 1) throw new UsageError(`openapi takes at most one FILE (see loyalty-connector openapi --help)`);
    const document = `${JSON.stringify(buildOpenApiDocument(packageVersion), null, 2)}\n`;
    if (positionals[0]) {
      await mkdir(dirname(resolve(positionals[0])), { recursive: true });
      await writeFile(positionals[0], document);
    } else process.stdout.write(document);
    return 0;
  }
  if (positionals.length > (name === 'snapshot' ? 2 : 0)) {
    throw new UsageError(`unexpected "${positionals.at(-1)}" after ${name} (see loyalty-connector ${name} --help)`);
  }
  const settings = loadSettings(process.env, flags);
  if (name === 'migrate') {
    const store = await connect(settings.databaseUrl, { namedStatements: false, statisticsEveryMs: 0 });
    try {
      await migrate(store);
    } finally {
      await store.close();
    }
    process.stdout.write(`Migrated ${store.description}\n`);
    return 0;
  }
  if (name === 'snapshot') return snapshot(settings, positionals, typeof values.chain === 'string' ? values.chain : undefined);
  return serve(settings);
}

async function snapshot(settings: Settings, positionals: string[], chain: string | undefined): Promise<number> {
  const [verb, file] = positionals;
  if ((verb !== 'save' && verb !== 'load') || !file) {
    throw new UsageError('snapshot needs save or load and a FILE, as in: loyalty-connector snapshot save fixtures/loyalty.json');
  }
  if (verb === 'load' && chain) throw new UsageError('--chain is for snapshot save; a snapshot file names its own chains');
  // Read and check the file before opening the database: a missing or broken file should not create one.
  let input: Snapshot | undefined;
  if (verb === 'load') {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): give the path of a file written by snapshot save`);
    }
    input = await readSnapshot(bytes);
  }
  const store = await openStore(settings);
  try {
    if (verb === 'save') {
      const saved = await saveSnapshot(store.db, chain ? [chain] : undefined, new Date());
      await mkdir(dirname(resolve(file)), { recursive: true });
      await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
      process.stdout.write(`Saved ${saved.ChainIds.length} chain(s) to ${file}\n`);
    } else {
      const result = await withEveryChainLocked(store, (trx) => loadSnapshot(trx, input!));
      process.stdout.write(`Loaded ${result.records} records into ${result.chainIds.length} chain(s) from ${file}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

async function serve(settings: Settings): Promise<number> {
  const store = await openStore(settings);
  const app = buildApp(settings, { store });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${shownHost}:${port}`;
  app.log.info(
    { url, database: store.description, tenancy: settings.tenantsFile ?? 'built-in demo', rateLimit: settings.rateLimit ?? 'off' },
    'Loyalty Connector is serving',
  );
  if (process.stdout.isTTY) process.stdout.write(banner(url, settings, store.description));
  return -1;
}

function banner(url: string, settings: Settings, database: string): string {
  const lines = [
    '',
    `  Loyalty Connector ${packageVersion} is serving`,
    '',
    `  API       ${url}/api/connector/v1/`,
    `  Docs      ${url}/docs`,
    settings.controlApi ? `  Console   ${url}/console` : '  Console   off (CONTROL_API=on to turn it on)',
    '',
    `  Database  ${database}`,
    `  Tenancy   ${settings.tenantsFile ?? 'built-in demo (the published demo tokens work)'}`,
    '',
    '  Ctrl+C stops it.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The error as one line a person can act on; undefined when it is not one we can explain. */
function explain(error: unknown, settings: { port?: string } = {}): string | undefined {
  if (error instanceof UsageError || error instanceof SettingsError || error instanceof TenancySeedError) return error.message;
  if (error instanceof StoreError) return `${error.message.split('\n')[0]} (check DATABASE_URL)`;
  if (error instanceof DatabaseFileError) return error.message;
  if (error instanceof ApiError) return `${error.message}${error.details ? ` ${error.details}` : ''}`;
  const { code, address, port, syscall } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  switch (code) {
    case 'EADDRINUSE':
      return `the address ${address ?? ''}:${port ?? settings.port ?? ''} is in use by another program: stop it, or choose another port with --port or PORT (0 takes a free one)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address ?? 'that address'}: this machine has no such address; use --host 127.0.0.1 or 0.0.0.0`;
    case 'EACCES':
    case 'EPERM':
      return syscall === 'listen' || syscall === 'bind'
        ? `not allowed to listen on port ${port ?? ''}: ports under 1024 need privileges; choose another with --port or PORT`
        : `permission denied${(error as NodeJS.ErrnoException).path ? ` on ${(error as NodeJS.ErrnoException).path}` : ''}: check the folder of DATABASE_URL or the file named`;
    case 'ECONNREFUSED':
      return `the database refused the connection${address ? ` at ${address}:${port}` : ''}: is PostgreSQL running there? Check DATABASE_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the database host${(error as { hostname?: string }).hostname ? ` "${(error as { hostname?: string }).hostname}"` : ''} was not found: check the host in DATABASE_URL`;
    case 'ETIMEDOUT':
      return 'the database did not answer in time: check the host and port in DATABASE_URL and the network';
    case '28P01':
    case '28000':
      return 'the database refused the user or password in DATABASE_URL';
    case '3D000':
      return `the database named in DATABASE_URL does not exist: create it (createdb) or name another`;
    case 'SQLITE_CANTOPEN':
      return 'cannot open the SQLite file of DATABASE_URL: check that its folder can be written';
    case 'SQLITE_NOTADB':
      return 'the file of DATABASE_URL is not an SQLite database';
    case 'ENOENT':
    case 'EISDIR':
    case 'ENOTDIR':
      return `${(error as NodeJS.ErrnoException).path ?? 'a file'}: ${code === 'ENOENT' ? 'no such file or folder' : 'not a file'}`;
    default:
      if (error instanceof AggregateError && error.errors.length) return explain(error.errors[0], settings);
      return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const known = explain(error);
    const debug = showsStackTraces();
    const line = known ?? `${`${(error as Error).message ?? String(error)}`.split('\n')[0]}${debug ? '' : ' (LOG_LEVEL=debug shows where it happened)'}`;
    process.stderr.write(`loyalty-connector: ${line}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
