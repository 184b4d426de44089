// The package as a user gets it: packed (prepack builds dist/) from a copy of the repository's files,
// installed from the tarball into an empty folder, and run from there with nothing of the repository.
// The install uses npm's cache (--prefer-offline) and --ignore-scripts, then takes the compiled
// better-sqlite3 addon from this repository's node_modules (same Node, same version) instead of
// compiling it again for two minutes; the Dockerfile runs the same npm commands without that shortcut.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repository = process.cwd();
const gross = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
};
const grossChainId = '8ddea57b-6a5c-4eec-8c4c-24467dce118e';

let work: string;
let consumer: string;
let tarball: string;
let server: ChildProcess | undefined;
let url: string;

/** The environment of a user's shell: no NODE_PATH or npm variables pointing back here. */
const cleanEnvironment = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'info' });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loyalty-connector-package-'));
  const source = join(work, 'source');
  // What a clean clone has: the tracked files and the new ones not ignored (no dist/, no data/).
  // Outside a git checkout, everything but what .gitignore names.
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repository }).catch(() => undefined);
  if (listed) {
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(repository, file))) continue;
      mkdirSync(dirname(join(source, file)), { recursive: true });
      copyFileSync(join(repository, file), join(source, file));
    }
  } else {
    const left = new Set(['node_modules', 'dist', 'data', 'test-artifacts', '.git']);
    cpSync(repository, source, { recursive: true, filter: (path) => !left.has(relative(repository, path).split(sep)[0]!) });
  }
  symlinkSync(join(repository, 'node_modules'), join(source, 'node_modules'), 'dir');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, maxBuffer: 16 * 1024 * 1024 });
  tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  rmSync(source, { recursive: true, force: true });

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, maxBuffer: 16 * 1024 * 1024 });
  const addon = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(dirname(join(consumer, addon)), { recursive: true });
  copyFileSync(join(repository, addon), join(consumer, addon));
}, 300_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

async function startInstalledServer(): Promise<string> {
  const child = spawn(process.execPath, [join(consumer, 'node_modules', '.bin', 'loyalty-connector'), '--port', '0', '--database', ':memory:'], {
    cwd: consumer,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the installed server did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const serving = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"Loyalty Connector is serving"/.exec(output);
      if (serving) {
        clearTimeout(timer);
        resolve(serving[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`the installed server exited with ${code}:\n${output}`)));
  });
}

describe('the packed package', () => {
  it('ships compiled JavaScript, its assets and the LICENSE, and no sources or tests', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const expected of [
      'LICENSE', 'README.md', 'package.json', 'bin/loyalty-connector.js', 'dist/main.js', 'dist/index.js', 'dist/index.d.ts',
      'dist/client/index.js', 'dist/client/index.d.ts', 'dist/client/index.cjs', 'dist/client/index.d.cts',
      'dist/tenancy/demo-tenancy.json', 'dist/store/checkpointer-worker.mjs', 'dist/control/snapshot-parser-worker.mjs', 'dist/control/console/index.html', 'dist/control/console/events.html', 'dist/control/console/views.js', 'openapi.json', 'docs/examples/node-test.test.mjs',
    ]) expect(files).toContain(expected);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', 'loyalty-connector', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.dependencies)).not.toContain('esbuild');
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
    expect(readFileSync(join(consumer, 'node_modules', 'loyalty-connector', 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('serves from the installed bin: the API, /, /docs and /console', { timeout: 90_000 }, async () => {
    url = await startInstalledServer();
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.json()).toMatchObject({ Docs: '/docs', Console: '/console', Api: '/api/connector/v1/' });
    expect((await fetch(`${url}/console`)).status).toBe(200);
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    expect((await fetch(`${url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('gives the client to ESM and CommonJS, and each makes a call', { timeout: 60_000 }, async () => {
    const options = `{ baseUrl: process.argv[2], clientToken: '${gross.ClientToken}', accessToken: '${gross.AccessToken}', client: 'package test' }`;
    writeFileSync(join(consumer, 'esm.mjs'), `import { createClient } from 'loyalty-connector/client';\nconst api = createClient(${options});\nconsole.log((await api.configuration.get({})).Enterprise.ChainId);\n`);
    writeFileSync(join(consumer, 'cjs.cjs'), `const { createClient } = require('loyalty-connector/client');\nconst api = createClient(${options});\napi.configuration.get({}).then((c) => console.log(c.Enterprise.ChainId));\n`);
    for (const script of ['esm.mjs', 'cjs.cjs']) {
      const { stdout } = await run(process.execPath, [script, url], { cwd: consumer, env: cleanEnvironment() });
      expect(stdout.trim()).toBe(grossChainId);
    }
  });

  it('types the client for ESM and CommonJS, and the embedding API', async () => {
    writeFileSync(join(consumer, 'check.mts'), [
      "import { createClient, type ResponseOf } from 'loyalty-connector/client';",
      "import { startServer, type RunningServer } from 'loyalty-connector';",
      "const api = createClient({ baseUrl: 'http://127.0.0.1:1', clientToken: 'c', accessToken: 'a', client: 'types' });",
      "export const answer: Promise<ResponseOf<'loyaltyPrograms/getAll'>> = api.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });",
      'export const started: Promise<RunningServer> = startServer();',
      '// @ts-expect-error Limitation.Count is required',
      'void api.loyaltyPrograms.getAll({ Limitation: {} });',
    ].join('\n'));
    writeFileSync(join(consumer, 'check.cts'), [
      "import { createClient, type ResponseOf } from 'loyalty-connector/client';",
      "const api = createClient({ baseUrl: 'http://127.0.0.1:1', clientToken: 'c', accessToken: 'a', client: 'types' });",
      "const answer: Promise<ResponseOf<'loyaltyPrograms/getAll'>> = api.loyaltyPrograms.getAll({ Limitation: { Count: 1 } });",
      '// @ts-expect-error Limitation.Count is required',
      'void api.loyaltyPrograms.getAll({ Limitation: {} });',
      'export = answer;',
    ].join('\n'));
    // The compiler is a tool of this repository; the declarations it checks are the installed ones.
    const tsc = join(repository, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [
      tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
      '--types', 'node', '--typeRoots', join(repository, 'node_modules', '@types'), 'check.mts', 'check.cts',
    ], { cwd: consumer }).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(checked.stdout).toBe('');
    expect('failed' in checked).toBe(false);
  }, 240_000); // the compiler checks Fastify's declarations too: half a minute alone, more beside the suite

  it('runs the node:test example of docs/ with startServer() from the installed package', async () => {
    cpSync(join(consumer, 'node_modules', 'loyalty-connector', 'docs', 'examples', 'node-test.test.mjs'), join(consumer, 'example.test.mjs'));
    const { stdout } = await run(process.execPath, ['--test', 'example.test.mjs'], { cwd: consumer, env: cleanEnvironment() });
    expect(stdout).toMatch(/# pass 2/);
    expect(stdout).toMatch(/# fail 0/);
  }, 120_000);
});
