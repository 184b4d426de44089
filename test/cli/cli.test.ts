// The command line as a person meets it: --version, help per command, one-line errors that say what
// to do (no stack trace unless LOG_LEVEL=debug), snapshot save into new folders, settings that refuse
// nonsense before anything is created, and the start banner on a terminal.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingHelp, settingNames } from '../../src/settings.ts';

const bin = join(process.cwd(), 'bin', 'loyalty-connector.js');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI in a folder of its own with only the given settings in its environment. */
async function cli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run & { cwd: string }> {
  const folder = cwd ?? await mkdtemp(join(tmpdir(), 'loyalty-connector-cli-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: folder, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, cwd: folder });
    });
  });
}

/** One line, prefixed, with no stack frame in it. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).not.toBe(0);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^loyalty-connector: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('the command line', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it('has help for each command, listing every flag and every environment-only setting it reads', async () => {
    const serve = await cli(['serve', '--help']);
    expect(serve.code).toBe(0);
    for (const [key, help] of Object.entries(settingHelp)) {
      expect(serve.stdout).toContain(settingNames[key as keyof typeof settingNames]);
      if (help.flag) expect(serve.stdout).toContain(`--${help.flag} `);
    }
    for (const name of ['CONTROL_API', 'ADMIN_TOKEN', 'JOURNAL_SIZE', 'REDIS_URL', 'DATABASE_POOL_SIZE']) {
      expect(serve.stdout).toMatch(new RegExp(`Environment only:[\\s\\S]*${name}=`));
    }
    const snapshot = await cli(['snapshot', '--help']);
    expect(snapshot.stdout).toContain('loyalty-connector snapshot save FILE');
    expect(snapshot.stdout).toContain('--chain <ChainId>');
    expect(snapshot.stdout).not.toContain('--port');
    const migrate = await cli(['migrate', '--help']);
    expect(migrate.stdout).toContain('Usage: loyalty-connector migrate');
    expect(migrate.stdout).toContain('--database');
    expect(new Set([serve.stdout, snapshot.stdout, migrate.stdout]).size).toBe(3);
    const global = await cli(['--help']);
    expect(global.stdout).toMatch(/Commands:[\s\S]*snapshot/);
  }, 60_000);

  it('answers an unknown command or option with one line and the help to read', async () => {
    expectOneLineError(await cli(['serv']), /unknown command "serv".*--help/);
    expectOneLineError(await cli(['serve', '--prot', '9000']), /Unknown option '--prot'.*serve --help/);
  });

  it('saves a snapshot into folders that do not exist yet, and loads it back', async () => {
    const saved = await cli(['snapshot', 'save', 'fixtures/nested/loyalty.json'], { DATABASE_URL: 'data/loyalty.db' });
    expect(saved.stderr).toBe('');
    expect(saved.stdout).toMatch(/^Saved 2 chain\(s\) to fixtures\/nested\/loyalty.json$/m);
    expect(JSON.parse(readFileSync(join(saved.cwd, 'fixtures/nested/loyalty.json'), 'utf8'))).toHaveProperty('ChainIds');
    const loaded = await cli(['snapshot', 'load', 'fixtures/nested/loyalty.json'], { DATABASE_URL: 'data/loyalty.db' }, saved.cwd);
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toMatch(/^Loaded \d+ records into 2 chain\(s\)/m);
  }, 60_000);

  it('says in one line that a snapshot file is missing, without creating a database', async () => {
    const run = await cli(['snapshot', 'load', 'fixtures/none.json']);
    expectOneLineError(run, /cannot read fixtures\/none.json \(ENOENT\)/);
    expect(existsSync(join(run.cwd, 'data'))).toBe(false);
  });

  it('says in one line that the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expectOneLineError(await cli(['serve', '--port', String(port)], { DATABASE_URL: ':memory:', LOG_LEVEL: 'warn' }), new RegExp(`:${port} is in use.*--port or PORT`));
    } finally {
      taken.close();
    }
  }, 60_000);

  it('says in one line that PostgreSQL cannot be reached, and shows the stack with LOG_LEVEL=debug', async () => {
    const url = 'postgres://nobody:secret-password@127.0.0.1:1/loyalty';
    const run = await cli(['migrate'], { DATABASE_URL: url });
    expectOneLineError(run, /cannot connect to PostgreSQL at 127\.0\.0\.1:1.*ECONNREFUSED.*check DATABASE_URL/);
    expect(run.stderr).not.toContain('secret-password');
    const debug = await cli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'debug' });
    expect(debug.stderr).toMatch(/^\s+at /m);
  }, 60_000);

  // Each case is a process of its own: they run side by side.
  it.concurrent.each([
    ['postgresql//oops', /DATABASE_URL looks like a URL without its colon \("postgresql\/\/"\)/],
    ['mysql://root@127.0.0.1/x', /DATABASE_URL has the scheme "mysql:"/],
    ['postgres:/db', /DATABASE_URL must start with postgres:\/\//],
    ['file://host/x.db', /DATABASE_URL: file:\/\/ URLs need an absolute path/],
  ])('refuses DATABASE_URL=%s at start, naming the setting, and creates nothing', async (url, message) => {
    const run = await cli(['serve'], { DATABASE_URL: url });
    expectOneLineError(run, message);
    expect(run.stderr).not.toContain('root@');
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  it.concurrent.each([
    [{ PORT: '80800' }, /PORT must be a port number/],
    [{ HOST: 'http://127.0.0.1' }, /HOST must be a host name or IP address/],
    [{ RATE_LIMIT: 'lots' }, /RATE_LIMIT must look like 200\/30s/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ BODY_LIMIT: '0' }, /BODY_LIMIT must be more than 0 bytes/],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, /REQUEST_TIMEOUT_MS must be a whole number/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE must be between 1 and 1000/],
    [{ REDIS_URL: '127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ CONTROL_API: 'maybe' }, /CONTROL_API must be on or off/],
    [{ JOURNAL_SIZE: '-1' }, /JOURNAL_SIZE must be a whole number/],
    [{ ANSWER_CACHE: 'lots' }, /ANSWER_CACHE must be a size/],
  ])('refuses %o at start with one line naming it', async (env, message) => {
    const run = await cli(['serve'], { DATABASE_URL: ':memory:', ...env });
    expectOneLineError(run, message);
  });

  it('accepts sqlite: and file: URLs as the file they name', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'loyalty-connector-cli-'));
    for (const url of ['sqlite:a/one.db', `file://${folder}/two.db`, 'file:three.db']) {
      const run = await cli(['migrate'], { DATABASE_URL: url }, folder);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    expect(existsSync(join(folder, 'a', 'one.db'))).toBe(true);
    expect(existsSync(join(folder, 'two.db'))).toBe(true);
    expect(existsSync(join(folder, 'three.db'))).toBe(true);
  }, 60_000);

  it('shows a banner with the API, /docs and /console addresses on a terminal', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'loyalty-connector-cli-'));
    // `script` gives the server a terminal; the banner is for people, not for log collectors.
    const child = spawn('script', ['-qfec', `${process.execPath} ${bin} --port 0 --log-level warn`, '/dev/null'], {
      cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: folder, DATABASE_URL: ':memory:', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await expect.poll(() => output, { timeout: 30_000, interval: 200 }).toMatch(/Ctrl\+C stops it/);
    } finally {
      child.kill('SIGTERM');
    }
    const port = /API\s+http:\/\/127\.0\.0\.1:(\d+)\/api\/connector\/v1\//.exec(output)?.[1];
    expect(port).toBeDefined();
    expect(output).toContain(`Docs      http://127.0.0.1:${port}/docs`);
    expect(output).toContain(`Console   http://127.0.0.1:${port}/console`);
  }, 60_000);

  it('prints no banner when the output is not a terminal', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0'], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: ':memory:' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await expect.poll(() => output, { timeout: 30_000, interval: 200 }).toMatch(/Loyalty Connector is serving/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(output).not.toContain('Ctrl+C stops it');
    for (const line of output.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  }, 60_000);
});
