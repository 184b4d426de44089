// What the integration-state check costs authentication: the primary-key read a remembered token gets
// on each request (skipped on SQLite while nothing was written), beside a whole getAll request.
//   npx tsx bench/auth-check.ts [database-url]   (default :memory:)
import { buildApp, openStore } from '../src/app.ts';
import { loadSettings } from '../src/settings.ts';
import { selectIntegrationState } from '../src/store/tenancy.ts';
import { hashToken } from '../src/tenancy/tokens.ts';

const gross = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'bench',
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const settings = loadSettings({ DATABASE_URL: process.argv[2] ?? ':memory:', LOG_LEVEL: 'silent', RATE_LIMIT: 'off', ANSWER_CACHE: 'off' });
const store = await openStore(settings);
const app = buildApp(settings, { store });
await app.ready();
const hash = hashToken(gross.AccessToken);
const checks: number[] = [];
for (let i = 0; i < 5000; i++) {
  const started = process.hrtime.bigint();
  await selectIntegrationState(store.db, hash);
  checks.push(Number(process.hrtime.bigint() - started) / 1000);
}
const body = JSON.stringify({ ...gross, Limitation: { Count: 100 } });
const requests = async (write: boolean) => {
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    // A write between requests moves SQLite's change mark, so each request pays the check.
    if (write) await store.db.updateTable('chains').set({ updated_utc: new Date().toISOString() }).where('id', '=', 'none').execute();
    const started = process.hrtime.bigint();
    const answer = await app.inject({ method: 'POST', url: '/api/connector/v1/loyaltyPrograms/getAll', headers: { 'content-type': 'application/json' }, payload: body });
    times.push(Number(process.hrtime.bigint() - started) / 1000);
    if (answer.statusCode !== 200) throw new Error(answer.body);
  }
  return median(times.slice(500));
};
const quiet = await requests(false);
const busy = await requests(true);
process.stdout.write(`${store.description}: state check ${median(checks.slice(500)).toFixed(1)} µs median; getAll request ${quiet.toFixed(1)} µs median with nothing written between requests, ${busy.toFixed(1)} µs with a write between each (check paid)\n`);
await app.close();
await store.close();
