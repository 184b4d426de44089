// What the request journal costs: the same server (control plane on) with the journal recording
// (JOURNAL_SIZE=500) and off (JOURNAL_SIZE=0), measured alternately in one run with autocannon.
//   npx tsx bench/journal.ts [--seconds 5] [--rounds 3]
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { buildApp, openStore } from '../src/app.ts';
import { loadSettings } from '../src/settings.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const auth = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'journal bench',
};

async function start(journalSize: string) {
  const settings = loadSettings({ DATABASE_URL: ':memory:', LOG_LEVEL: 'warn', RATE_LIMIT: 'off', CONTROL_API: 'on', JOURNAL_SIZE: journalSize });
  const store = await openStore(settings);
  const app = buildApp(settings, { store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // A page of 20 programs: a realistic answer for the journal to keep.
  await fetch(`${url}/api/connector/v1/loyaltyPrograms/add`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...auth, LoyaltyPrograms: Array.from({ length: 20 }, (_, i) => ({ Name: `Program ${i}`, Code: `P${i}` })) }),
  });
  return { url, close: async () => { await app.close(); await store.close(); } };
}

async function measure(url: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/api/connector/v1/loyaltyPrograms/getAll`, method: 'POST', connections: 10, duration: seconds,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...auth, Limitation: { Count: 20 } }),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`errors during the run: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const on = await start('500');
const off = await start('0');
const figures = { on: [] as number[], off: [] as number[] };
await measure(on.url); // warm up both
await measure(off.url);
for (let round = 0; round < rounds; round++) {
  figures.off.push(await measure(off.url));
  figures.on.push(await measure(on.url));
}
await on.close();
await off.close();
const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
const ratio = mean(figures.on) / mean(figures.off);
console.log('| journal | requests/s (mean of rounds) | rounds |');
console.log('| --- | --- | --- |');
console.log(`| off (JOURNAL_SIZE=0) | ${mean(figures.off).toFixed(0)} | ${figures.off.map((f) => f.toFixed(0)).join(', ')} |`);
console.log(`| on (JOURNAL_SIZE=500) | ${mean(figures.on).toFixed(0)} | ${figures.on.map((f) => f.toFixed(0)).join(', ')} |`);
console.log(`\nThroughput with the journal recording: ${(ratio * 100).toFixed(1)}% of without (cost ${((1 - ratio) * 100).toFixed(1)}%).`);
