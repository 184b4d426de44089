// The real server as a child process (bin/loyalty-connector.js serve) on a port of its own, for the
// tests that kill it, stop it or talk to it below HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { sleep } from './clock.ts';

/** A port nothing listens on just now (the kernel's pick, then released). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** Everything it printed so far. */
  readonly output: () => string;
}

/** Starts the server on `databaseUrl` (no rate limit, no seed file) and waits until it is ready. */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/loyalty-connector.js', 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, RATE_LIMIT: 'off', LOG_LEVEL: 'warn', TENANTS_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting:\n${output}`);
    try {
      const ready = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (ready.status === 200) return { child, base, output: () => output };
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not become ready within 30 s:\n${output}`);
}

/** SIGKILL, and wait for the exit (nothing if it has already gone). */
export async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGKILL');
  await exited;
}
