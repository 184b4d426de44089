// `bench/run.ts --quick` runs to the end and prints a well-formed table (and JSON). Speed is never
// checked here: the suite shares the machine with other work; BENCHMARKS.md holds the measurements.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scenarios = [
  'memberships.getAll AccountIds',
  'memberships.getAll AccountIds, 1% updates',
  'memberships.getAll AccountIds, all distinct',
  'memberships.getAll Programs+States',
  'memberships.getAll program page, distinct',
  'memberships.getAll one account, distinct',
  'memberships.getAll page walk',
  'programs.getAll',
  'memberships.update 1',
  'memberships.add 1000',
];
const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'baseline req/s', 'baseline p50 ms', 'ratio', 'cached %', 'RSS MB', 'bytes', 'errors'];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());

describe('bench/run.ts --quick', () => {
  let directory: string | undefined;
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('completes and prints a table of every scenario with numeric columns, and the same as JSON', async () => {
    directory = await mkdtemp(join(tmpdir(), 'loyalty-bench-test-'));
    const json = join(directory, 'bench.json');
    const { code, stdout, stderr } = await run(['--quick', '--json', json]);
    expect(code, stderr).toBe(0);

    const lines = stdout.split('\n').filter((line) => line.startsWith('|'));
    expect(cells(lines[0]!)).toEqual(header);
    expect(lines[1]).toMatch(/^\|[-:|]+\|$/);
    const rows = lines.slice(2).map(cells);
    expect(rows.map((row) => row[0])).toEqual(scenarios);
    for (const row of rows) {
      expect(row).toHaveLength(header.length);
      for (const value of row.slice(1)) expect(value, `${row[0]}: ${value}`).toMatch(/^\d+(\.\d+)?$/);
      // Every scenario got real 200s from the app (the errors column counts the others).
      expect(Number(row[1])).toBeGreaterThan(0);
      expect(row[header.indexOf('errors')]).toBe('0');
    }

    // The walk moves on: its requests ask for ever new pages, so few are answered from the cache
    // (a walk stuck on its first page would be answered from it every time).
    const walk = rows.find((row) => row[0] === 'memberships.getAll page walk')!;
    expect(Number(walk[header.indexOf('cached %')])).toBeLessThan(90);

    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.quick).toBe(true);
    expect(report.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(scenarios);
    for (const scenario of report.scenarios) {
      expect(scenario.app.requestsPerSec).toBeGreaterThan(0);
      expect(scenario.baseline.requestsPerSec).toBeGreaterThan(0);
      expect(typeof scenario.ratio).toBe('number');
    }
  }, 240_000);
});
