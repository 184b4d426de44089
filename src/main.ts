// The command line: `loyalty-connector [serve]` (default) and `loyalty-connector migrate`.
import { readFile, writeFile } from 'node:fs/promises';
import { allChainIds, loadSnapshot, readSnapshot, saveSnapshot } from './control/snapshots.ts';
import { ApiError } from './loyalty/errors.ts';
import { parseArgs } from 'node:util';
import { buildOpenApiDocument, packageVersion } from './http/openapi.ts';
import { buildApp, openStore } from './app.ts';
import { connect, migrate, StoreError } from './store/connect.ts';
import { DatabaseFileError } from './store/storage-failure.ts';
import { loadSettings, settingNames, SettingsError, type SettingFlags } from './settings.ts';
import { TenancySeedError } from './tenancy/seed.ts';

const usage = `Loyalty Connector: the customer-loyalty surface of the hotel Connector API, on a real database.

Usage: loyalty-connector [command] [options]

Commands:
  serve     Migrate the database, apply the tenancy, and serve the API (default)
  migrate   Bring the database schema up to date and exit
  openapi   Print the OpenAPI 3.1 document (or write it: openapi FILE)
  snapshot save FILE [--chain ID]   Export the loyalty data and accounts (of one chain) to FILE
  snapshot load FILE                Replace the data of the snapshot's chains with FILE, atomically

Options (each overrides its environment variable):
  --host <address>        ${settingNames.host}          default 127.0.0.1
  --port <number>         ${settingNames.port}          default 8080
  --database <url>        ${settingNames.databaseUrl}  default ./data/loyalty.db (or :memory:)
  --tenants <file>        ${settingNames.tenantsFile}  default: the built-in demo tenancy
  --rate-limit <n/window> ${settingNames.rateLimit}    default 200/30s; "off" disables
  --log-level <level>     ${settingNames.logLevel}     default info
  --body-limit <size>     ${settingNames.bodyLimit}    default 5mb
  --request-timeout <ms>  ${settingNames.requestTimeout} default 30000
  --answer-cache <size>   ${settingNames.answerCache}   default 64mb of getAll answers kept until the next write (SQLite); "off" disables
  -h, --help              Show this help

Webhook delivery (environment only): WEBHOOK_BATCH_MS (1000), WEBHOOK_RETRY_DELAY_MS (120000),
WEBHOOK_ATTEMPTS (5), WEBHOOK_TIMEOUT_MS (5000).
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      database: { type: 'string' },
      tenants: { type: 'string' },
      'rate-limit': { type: 'string' },
      'log-level': { type: 'string' },
      'body-limit': { type: 'string' },
      'request-timeout': { type: 'string' },
      'answer-cache': { type: 'string' },
      chain: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const flags: SettingFlags = {
    host: values.host, port: values.port, databaseUrl: values.database, tenantsFile: values.tenants,
    rateLimit: values['rate-limit'], logLevel: values['log-level'], bodyLimit: values['body-limit'],
    requestTimeout: values['request-timeout'], answerCache: values['answer-cache'],
  };
  const settings = loadSettings(process.env, flags);

  if (command === 'openapi') {
    const document = `${JSON.stringify(buildOpenApiDocument(packageVersion), null, 2)}\n`;
    if (positionals[1]) await writeFile(positionals[1], document);
    else process.stdout.write(document);
    return 0;
  }
  if (command === 'migrate') {
    const store = await connect(settings.databaseUrl);
    await migrate(store);
    await store.close();
    process.stdout.write(`Migrated ${store.description}\n`);
    return 0;
  }
  if (command === 'snapshot') {
    const [, verb, file] = positionals;
    if ((verb !== 'save' && verb !== 'load') || !file) {
      process.stderr.write(`Usage: loyalty-connector snapshot save|load FILE\n`);
      return 2;
    }
    const store = await openStore(settings);
    try {
      if (verb === 'save') {
        const snapshot = await saveSnapshot(store.db, values.chain ? [values.chain] : undefined, new Date());
        await writeFile(file, `${JSON.stringify(snapshot, null, 2)}\n`);
        process.stdout.write(`Saved ${snapshot.ChainIds.length} chain(s) to ${file}\n`);
      } else {
        const input = await readSnapshot(await readFile(file));
        const result = await store.db.transaction().execute(async (trx) => {
          await store.lockChains(trx, await allChainIds(trx));
          return loadSnapshot(trx, input);
        });
        process.stdout.write(`Loaded ${result.records} records into ${result.chainIds.length} chain(s) from ${file}\n`);
      }
    } finally {
      await store.close();
    }
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
    return 2;
  }

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
  await app.listen({ host: settings.host, port: settings.port });
  app.log.info(
    { database: store.description, tenancy: settings.tenantsFile ?? 'built-in demo', rateLimit: settings.rateLimit ?? 'off' },
    'Loyalty Connector is serving',
  );
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const known = error instanceof SettingsError || error instanceof TenancySeedError || error instanceof ApiError || error instanceof SyntaxError
      || error instanceof DatabaseFileError || error instanceof StoreError
      || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    process.stderr.write(`loyalty-connector: ${known ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
