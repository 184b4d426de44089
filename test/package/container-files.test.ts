// The Dockerfile and compose.yaml cannot be built here (no container engine), so they are linted:
// the rules of a good image (multi-stage, non-root, compiled output only, a health check, pinned
// bases) and the promise that the image installs the package with the same npm commands as the
// packaging test (test/package/package.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSettings } from '../../src/settings.ts';

interface Instruction { keyword: string; args: string }

/** Instructions in order: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const dockerfile = instructions(readFileSync('Dockerfile', 'utf8'));
const stages = dockerfile.reduce<Instruction[][]>((all, instruction) => {
  if (instruction.keyword === 'FROM') all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const final = stages.at(-1)!;
const build = stages[0]!;
const packagingTest = readFileSync('test/package/package.test.ts', 'utf8');

describe('the Dockerfile', () => {
  it('has a build stage and a final stage from pinned bases', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]!.args).toMatch(/\sAS\s+build$/i);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:20[\w.-]*(\s|$)/);
    for (const stage of stages) expect(stage[0]!.args).not.toMatch(/:latest\b/);
  });

  it('packs and installs the package with the commands the packaging test runs', () => {
    const runs = build.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/npm ci --no-audit --no-fund/);
    expect(runs).toMatch(/npm pack --pack-destination \/packed/);
    expect(runs).toMatch(/npm install \/packed\/loyalty-connector-\*\.tgz [^\n]*--no-audit --no-fund/);
    expect(packagingTest).toMatch(/run\('npm', \['pack', '--json', '--pack-destination', work\]/);
    expect(packagingTest).toMatch(/run\('npm', \['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'/);
  });

  it('keeps only the installed package in the final image, run as a user that is not root', () => {
    const copies = final.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).toMatch(/^(--chown=\S+\s+)?--from=build(\s+--chown=\S+)?\s+\/app\s+\/app$/);
    expect(final.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n')).not.toMatch(/\b(npm|npx|tsx|tsc)\b/);
    const users = final.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    const entrypoint = final.find((i) => i.keyword === 'ENTRYPOINT')!;
    expect(JSON.parse(entrypoint.args)).toEqual(['node', '/app/node_modules/loyalty-connector/bin/loyalty-connector.js']);
  });

  it('runs the server with the V8 flags of npm start and of the benchmark', () => {
    const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    const flags = /NODE_OPTIONS=(\S+)/.exec(env)?.[1];
    expect(flags).toBe('--max-semi-space-size=4');
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(start).toMatch(/^node --max-semi-space-size=4 --import tsx src\/main\.ts serve$/);
    expect(readFileSync('bench/run.ts', 'utf8')).toContain(`const serverNodeFlags = '${flags}';`);
  });

  it('listens on every interface of the container on the exposed port, and checks its health', () => {
    const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    const port = /PORT=(\d+)/.exec(env)?.[1];
    expect(final.find((i) => i.keyword === 'EXPOSE')?.args).toBe(port);
    const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \[.*\/health\/ready/);
    const environment = Object.fromEntries([...env.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadSettings(environment)).not.toThrow();
  });

  it('leaves the host build outputs out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim());
    for (const path of ['node_modules', 'dist', 'data', '.git']) expect(ignored).toContain(path);
  });

  it('cleans the apt lists it installs', () => {
    for (const run of dockerfile.filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'))) {
      expect(run.args).toMatch(/--no-install-recommends/);
      expect(run.args).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    }
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, any>; volumes?: Record<string, unknown> };
  const services = Object.entries(compose.services);
  const connectors = services.filter(([, service]) => service.build === '.');
  const [postgresName, postgres] = services.find(([, service]) => /^postgres:\d+/.test(service.image ?? '')) ?? [];

  it('runs PostgreSQL with a health check and a volume', () => {
    expect(postgresName).toBeDefined();
    expect(postgres.healthcheck?.test).toBeDefined();
    expect(postgres.volumes?.length).toBeGreaterThan(0);
  });

  it('runs two instances of the image on that PostgreSQL, each on its own port of the loopback', () => {
    expect(connectors).toHaveLength(2);
    const ports = new Set<string>();
    for (const [, service] of connectors) {
      const settings = loadSettings(service.environment);
      expect(settings.databaseUrl).toMatch(new RegExp(`^postgres://[^@]+@${postgresName}:5432/`));
      expect(service.depends_on?.[postgresName!]?.condition).toBe('service_healthy');
      for (const port of service.ports) {
        expect(port).toMatch(/^127\.0\.0\.1:\d+:8080$/);
        ports.add(port);
      }
    }
    expect(ports.size).toBe(2);
  });
});
