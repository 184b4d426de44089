// A server process for bench/run.ts, started with child_process.fork and plain `node`: the app is
// the compiled server in dist/ (what the package's bin and the Docker image run; bench/run.ts builds
// it when src/ is newer), not the TypeScript sources through a loader, whose thread and transpiled
// sources would be measured too (about 40 MB of RSS).
//   server.mjs app <database> [answer cache]   the real app (buildApp on the seeded database, request limit off)
//   server.mjs baseline         a bare Fastify route (same Fastify) answering a canned body
// It listens on a free port of 127.0.0.1 and talks to the parent over IPC: { port } once listening,
// then answers { type: 'rss' }, { type: 'cache' } (answer cache statistics), { type: 'canned', body }
// (baseline) and { type: 'close' }.
import Fastify from 'fastify';
import { buildApp, openStore } from '../dist/app.js';
import { loadSettings } from '../dist/settings.js';

/** @typedef {{ id: number, type: 'rss' | 'cache' | 'close' } | { id: number, type: 'canned', body: string }} Message */

const reply = (/** @type {number} */ id, /** @type {unknown} */ value) => process.send?.({ id, value });

async function start() {
  const [mode, database, answerCache] = process.argv.slice(2);
  /** @type {import('fastify').FastifyInstance} */
  let app;
  /** @type {{ close(): Promise<void> } | undefined} */
  let store;
  // Bytes, encoded once: what a route that sends a ready answer does (a string would be encoded each time).
  let canned = Buffer.from('{}');
  if (mode === 'app') {
    // As in production (a TENANTS_FILE turns it off there too): no control plane or request journal.
    const settings = loadSettings({
      DATABASE_URL: database, RATE_LIMIT: 'off', LOG_LEVEL: 'warn', DEMO_DATA: 'off', CONTROL_API: process.env.BENCH_CONTROL_API ?? 'off',
      ...(answerCache ? { ANSWER_CACHE: answerCache } : {}),
      // The server's default unless the run sets them (bench/run.ts --readers).
      ...(process.env.SQLITE_READERS ? { SQLITE_READERS: process.env.SQLITE_READERS } : {}),
      ...(process.env.SQLITE_READERS ? { SQLITE_READERS: process.env.SQLITE_READERS } : {}),
    });
    store = await openStore(settings);
    app = buildApp(settings, { store });
  } else if (mode === 'baseline') {
    app = Fastify({ logger: false });
    // A bare route: the default JSON body parser, no schema, no hooks; the body is sent as it is.
    app.post('/*', async (_request, response) => response.type('application/json; charset=utf-8').send(canned));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');

  process.on('message', (/** @type {Message} */ message) => {
    if (message.type === 'rss') reply(message.id, process.memoryUsage().rss);
    else if (message.type === 'cache') reply(message.id, mode === 'app' ? app.answerCache.statistics() : { hits: 0, misses: 0 });
    else if (message.type === 'canned') {
      canned = Buffer.from(message.body, 'utf8');
      reply(message.id, canned.length);
    } else if (message.type === 'close') {
      void (async () => {
        // Idle keep-alive connections would hold close() for the keep-alive timeout.
        app.server.closeAllConnections();
        await app.close();
        await store?.close();
        reply(message.id, true);
        // exit (not a hard kill) so that --cpu-prof writes its profile.
        setTimeout(() => process.exit(0), 50);
      })();
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ port: address.port });
}

start().catch((error) => {
  process.stderr.write(`bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
