// bench/soak.ts, briefly: the script runs its mixed workload for ~3 s on each database, reports as it
// goes, and finishes with 0 errors (no 5xx, no connection error, no timeout, no unexpected 4xx).
// The long run is `npm run soak` (10 minutes by default).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { dialects } from '../helpers/app.ts';

interface Summary {
  requests: number;
  errors: number;
  byClass: Record<string, number>;
  surprises: number;
  connectionErrors: number;
  timeouts: number;
  samples: string[];
}

describe.each(dialects)('the soak script ($name)', (dialect) => {
  it('runs its mixed workload for 3 seconds with 0 errors and exits 0', async () => {
    const database = await dialect.databaseUrl();
    const args = ['--import', 'tsx', 'bench/soak.ts', '--seconds', '3', '--report', '1', '--concurrency', '4'];
    // SQLite: the script's own temporary file (removed afterwards); PostgreSQL: a fresh schema.
    if (dialect.name !== 'sqlite') args.push('--database', database);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    const [code] = await once(child, 'exit');

    const summaryLine = output.split('\n').find((line) => line.startsWith('SOAK '));
    expect(summaryLine, output).toBeDefined();
    const summary = JSON.parse(summaryLine!.slice('SOAK '.length)) as Summary;
    expect(summary.errors, summary.samples.join('\n')).toBe(0);
    expect(summary.byClass['5xx']).toBe(0);
    expect(summary.connectionErrors + summary.timeouts + summary.surprises).toBe(0);
    expect(code, output).toBe(0);
    // It did work, of every kind: successes and the 4xx it asks for on purpose.
    expect(summary.requests).toBeGreaterThan(100);
    expect(summary.byClass['2xx']).toBeGreaterThan(50);
    expect(summary.byClass['4xx']).toBeGreaterThan(0);
    // And it reported along the way.
    expect(output.match(/^t=\d+s requests=/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
