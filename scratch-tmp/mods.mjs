const r = () => process.memoryUsage().rss / 1048576;
let last = r();
for (const mod of ['node:path', 'fastify', 'pino', 'ajv', 'kysely', 'typebox', 'typebox/compile', 'typebox/value', 'better-sqlite3', '@fastify/static', '../dist/contract/index.js', '../dist/http/routes.js', '../dist/control/plane.js', '../dist/app.js']) {
  try { await import(mod); } catch (e) { console.log(mod, 'ERR', e.message.slice(0, 80)); continue; }
  const now = r(); console.log(mod.padEnd(30), (now - last).toFixed(1)); last = now;
}
