import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Files that start servers in child processes, kill them, time them or drive a browser: they run one at
 * a time, after the rest, so that a second worker's load on the machine's two cores never decides
 * whether they pass (a PostgreSQL kill -9 recovery timed out beside another file).
 */
const alone = [
  'test/reliability/crash.test.ts',
  'test/reliability/soak.test.ts',
  'test/package/package.test.ts',
  'test/cli/cli.test.ts',
  'test/bench/bench-quick.test.ts',
  'test/events/restart.test.ts',
  'test/events/delivery-load.test.ts',
  'test/operations/multi-instance.test.ts',
  'test/browser/*.test.ts',
];

export default defineConfig({
  // The documented Vitest example imports the package by name; here that name is the sources.
  resolve: {
    alias: [
      { find: /^loyalty-connector$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^loyalty-connector\/client$/, replacement: fileURLToPath(new URL('./src/client/index.ts', import.meta.url)) },
    ],
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every other file has its own database (a SQLite file or a PostgreSQL schema of its own), so two
    // run at once; then the files above, one at a time.
    projects: [
      {
        extends: true,
        test: { name: 'together', include: ['test/**/*.test.ts', 'docs/examples/*.test.ts'], exclude: alone, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'alone', include: alone, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
